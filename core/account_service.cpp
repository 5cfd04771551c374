#include "core/account_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "base/ids.h"
#include "base/time.h"
#include "core/account_pacing.h"
#include "core/account_service_internal.h"
#include "core/connect_arguments.h"
#include "core/credentials.h"
#include "platforms/http/url_policy.h"
#include "platforms/oauth/oauth_network.h"
#include "platforms/oauth/pkce.h"
#include "platforms/oauth/token_set.h"

namespace herald::core {
namespace {

using account_internal::Audit;
using account_internal::Clip;
using account_internal::JoinAnd;
using account_internal::MergeTokens;
using account_internal::NoSuchAccount;
using account_internal::Shown;
using base::ErrorCode;
using platforms::AuthKind;
using platforms::Platform;
using platforms::oauth::AsOAuthNetwork;
using platforms::oauth::OAuthNetwork;
using platforms::oauth::TokenSet;

constexpr int kScheduledPostsScan = 100;

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

// The row for a newly connected account of `platform_id` (id and credentials not set).
store::Account NewAccountRow(const std::string& org_id, const std::string& platform_id,
                             const platforms::ConnectedAccount& connected, base::Time now) {
  store::Account row;
  row.org_id = org_id;
  row.platform = platform_id;
  row.external_id = connected.external_id;
  row.handle = connected.handle;
  row.display_name = connected.display_name;
  row.base_url = connected.base_url;
  row.settings = connected.settings.is_object() ? connected.settings : Json::object();
  row.status = store::AccountStatus::kActive;
  row.token_expires_at = connected.token_expires_at;
  row.created_at = now;
  row.updated_at = now;
  return row;
}

// A reconnection takes the network's settings afresh and keeps herald's own (the pacing).
void KeepHeraldSettings(const store::Account& previous, store::Account& row) {
  const std::string key(kAccountPacingSetting);
  if (previous.settings.is_object() && previous.settings.contains(key)) {
    if (!row.settings.is_object()) row.settings = Json::object();
    row.settings[key] = previous.settings[key];
  }
}

}  // namespace

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

Task<Result<ConnectResult>> AccountService::Connect(base::Caller caller, std::string platform_id,
                                                    Json args) {
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
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

Task<Result<ConnectResult>> AccountService::ConnectWithToken(base::Caller caller,
                                                             Platform* platform, Json args) {
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
  store::Account row = NewAccountRow(org_id, platform.Info().id, connected, now);
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
            KeepHeraldSettings(e, row);
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

Result<std::vector<store::Account>> AccountService::StoreGrant(
    const std::string& org_id, const std::string& actor, const Platform& network,
    const TokenSet& tokens, const std::vector<platforms::ConnectedAccount>& found) {
  const base::Time now = clock_.Now();
  const std::string& network_id = network.Info().id;
  const Json token_credentials = platforms::oauth::TokenSetToCredentials(tokens);
  return store::WriteValue<std::vector<store::Account>>(
      store_, [&](store::Tx& tx) -> Result<std::vector<store::Account>> {
        store::OAuthGrant grant;
        grant.id = base::NewId(base::kGrantPrefix, now);
        grant.org_id = org_id;
        grant.platform = network_id;
        grant.credentials_sealed = SealGrantCredentials(keyring_, grant, token_credentials);
        grant.status = store::AccountStatus::kActive;
        grant.token_expires_at = tokens.expires_at;
        grant.created_at = now;
        grant.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.InsertGrant(grant));
        HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> existing, tx.ListAccounts(org_id));
        std::set<std::string> replaced_grants;
        std::vector<store::Account> out;
        for (const platforms::ConnectedAccount& c : found) {
          store::Account row =
              NewAccountRow(org_id, c.platform.empty() ? network_id : c.platform, c, now);
          if (!row.token_expires_at) row.token_expires_at = tokens.expires_at;
          row.token_refreshable = !tokens.refresh_token.empty();
          row.grant_id = grant.id;
          row.id = base::NewId(base::kAccountPrefix, now);
          bool reconnected = false;
          for (const auto& e : existing) {
            if (e.platform == row.platform && e.external_id == row.external_id) {
              row.id = e.id;
              reconnected = true;
              KeepHeraldSettings(e, row);
              if (!e.grant_id.empty()) replaced_grants.insert(e.grant_id);
            }
          }
          // The account's own credentials: what the network gave it beyond the grant's tokens.
          Json own = Json::object();
          if (c.credentials.is_object()) {
            for (const auto& [k, v] : c.credentials.items()) {
              if (!token_credentials.contains(k) || token_credentials[k] != v) own[k] = v;
            }
          }
          row.credentials_sealed = SealAccountCredentials(keyring_, row, own);
          HERALD_ASSIGN_OR_RETURN(store::Account saved, tx.UpsertAccount(row));
          HERALD_RETURN_IF_ERROR(tx.AppendAudit(
              Audit(org_id, actor, reconnected ? "account.reconnect" : "account.connect",
                    saved.id,
                    Json{{"platform", saved.platform},
                         {"handle", saved.handle},
                         {"external_id", saved.external_id},
                         {"grant_id", grant.id}},
                    now)));
          saved.credentials_sealed.clear();
          out.push_back(std::move(saved));
        }
        // A grant the reconnection replaced for all its accounts is closed (its tokens erased).
        for (const std::string& old_id : replaced_grants) {
          if (old_id == grant.id) continue;
          HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> users,
                                  tx.ListGrantAccounts(org_id, old_id));
          bool used = std::any_of(users.begin(), users.end(), [](const store::Account& a) {
            return a.status != store::AccountStatus::kDisconnected;
          });
          if (used) continue;
          auto old = tx.GetGrant(org_id, old_id);
          if (!old.ok()) continue;
          old->status = store::AccountStatus::kDisconnected;
          old->credentials_sealed.clear();
          old->token_expires_at.reset();
          old->updated_at = now;
          HERALD_RETURN_IF_ERROR(tx.UpdateGrant(*old));
        }
        return out;
      });
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

namespace {

std::string ExpiredReason(const std::string& network_name, base::Time expired_at) {
  return "the " + network_name + " authorization expired at " + base::FormatRfc3339(expired_at) +
         " and " + network_name +
         " gives no refresh token to renew it; reconnect the account with connect_account";
}

}  // namespace

Result<void> AccountService::ExpireUnrenewable(std::vector<store::Account>& accounts) {
  const base::Time now = clock_.Now();
  for (store::Account& a : accounts) {
    if (a.status != store::AccountStatus::kActive || a.token_refreshable ||
        !a.token_expires_at || *a.token_expires_at > now) {
      continue;
    }
    std::string reason = ExpiredReason(PlatformName(a.platform), *a.token_expires_at);
    HERALD_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> Result<void> {
      if (!a.grant_id.empty()) return MarkGrantNeedsReauthTx(tx, a.org_id, a.grant_id, reason, now);
      return MarkNeedsReauthTx(tx, a.org_id, a.id, reason, now);
    }));
    a.status = store::AccountStatus::kNeedsReauth;
    a.last_error = Clip(reason);
    a.updated_at = now;
  }
  return base::Ok();
}

Result<std::vector<store::Account>> AccountService::ListSync(const base::Caller& caller) {
  HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> accounts,
                          store::ReadValue<std::vector<store::Account>>(store_, [&](store::Tx& tx) {
                            return tx.ListAccounts(caller.org_id);
                          }));
  HERALD_RETURN_IF_ERROR(ExpireUnrenewable(accounts));
  for (auto& a : accounts) a.credentials_sealed.clear();
  return accounts;
}

Task<Result<std::vector<store::Account>>> AccountService::List(base::Caller caller) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ListSync(caller); });
}

Result<store::Account> AccountService::GetSync(const base::Caller& caller,
                                               const std::string& account_id) {
  HERALD_ASSIGN_OR_RETURN(store::Account a, LoadAccount(caller.org_id, account_id));
  std::vector<store::Account> one = {std::move(a)};
  HERALD_RETURN_IF_ERROR(ExpireUnrenewable(one));
  one[0].credentials_sealed.clear();
  return std::move(one[0]);
}

Task<Result<store::Account>> AccountService::Get(base::Caller caller, std::string account_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return GetSync(caller, account_id); });
}

// ---- pacing ----

PacingRules AccountService::PacingFor(const store::Account& account) const {
  return EffectivePacing(options_.pacing, account.settings);
}

Task<Result<store::Account>> AccountService::SetPacing(base::Caller caller, std::string account_id,
                                                       Json pacing) {
  if (!base::RoleAllows(caller.role, base::Role::kAdmin)) {
    co_return base::PermissionDenied("setting an account's pacing needs the admin role");
  }
  if (!pacing.is_null()) {
    HERALD_CO_ASSIGN_OR_RETURN(pacing, CheckPacingOverride(pacing));
  }
  if (!base::IsValidId(account_id, base::kAccountPrefix)) co_return NoSuchAccount(account_id);
  co_return co_await base::RunBlocking(blocking_, [&] {
    const base::Time now = clock_.Now();
    auto saved =
        store::WriteValue<store::Account>(store_, [&](store::Tx& tx) -> Result<store::Account> {
          auto found = tx.GetAccount(caller.org_id, account_id);
          if (!found.ok() && found.error().code() == ErrorCode::kNotFound) {
            return NoSuchAccount(account_id);
          }
          HERALD_ASSIGN_OR_RETURN(store::Account a, std::move(found));
          if (!a.settings.is_object()) a.settings = Json::object();
          if (pacing.is_null()) {
            a.settings.erase(std::string(kAccountPacingSetting));
          } else {
            a.settings[std::string(kAccountPacingSetting)] = pacing;
          }
          a.updated_at = now;
          HERALD_RETURN_IF_ERROR(tx.UpdateAccount(a));
          HERALD_RETURN_IF_ERROR(
              tx.AppendAudit(Audit(caller.org_id, caller.actor(), "account.set_pacing", a.id,
                                   Json{{"pacing", pacing}}, now)));
          return a;
        });
    if (saved.ok()) saved->credentials_sealed.clear();
    return saved;
  });
}

// ---- disconnect ----

Task<Result<DisconnectResult>> AccountService::Disconnect(base::Caller caller,
                                                          std::string account_id) {
  if (!base::RoleAllows(caller.role, base::Role::kEditor)) {
    co_return base::PermissionDenied("disconnecting an account needs the editor role");
  }
  HERALD_CO_ASSIGN_OR_RETURN(store::Account account, co_await base::RunBlocking(blocking_, [&] {
                               return LoadAccount(caller.org_id, account_id);
                             }));
  DisconnectResult out;
  out.already_disconnected = account.status == store::AccountStatus::kDisconnected;

  // An account whose tokens are its own (stored before grants): revoke them at the network
  // first (best effort, outside any transaction).
  auto revoke = [&](const OAuthNetwork& network, const Result<Json>& creds) -> Task<void> {
    auto tokens = creds.ok() ? platforms::oauth::TokenSetFromCredentials(*creds)
                             : Result<TokenSet>(creds.error());
    if (tokens.ok()) {
      bool refresh = !tokens->refresh_token.empty();
      auto revoked = co_await oauth_.Revoke(network.Provider(),
                                            refresh ? tokens->refresh_token : tokens->access_token,
                                            refresh ? "refresh_token" : "access_token");
      out.revoked = revoked.ok();
      if (!revoked.ok()) out.revoke_error = revoked.error().message();
    } else {
      out.revoked = false;
      out.revoke_error = tokens.error().message();
    }
  };
  OAuthNetwork* network = AsOAuthNetwork(platforms_.Find(account.platform));
  if (account.grant_id.empty() && network != nullptr && !account.credentials_sealed.empty() &&
      account.status != store::AccountStatus::kDisconnected) {
    Result<Json> creds = OpenAccountCredentials(keyring_, account);
    co_await revoke(*network, creds);
  }

  const base::Time now = clock_.Now();
  int scheduled = 0;
  // The grant closed with its last account, to revoke once committed.
  std::optional<store::OAuthGrant> closed_grant;
  auto written = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      closed_grant.reset();
      out.grant_shared_with = 0;
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
      Json detail = {{"platform", current.platform},
                     {"handle", current.handle},
                     {"revoked", out.revoked ? Json(*out.revoked) : Json()}};
      if (!current.grant_id.empty()) {
        HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> users,
                                tx.ListGrantAccounts(caller.org_id, current.grant_id));
        for (const auto& u : users) {
          if (u.id != current.id && u.status != store::AccountStatus::kDisconnected) {
            ++out.grant_shared_with;
          }
        }
        detail["grant_id"] = current.grant_id;
        detail["grant_shared_with"] = out.grant_shared_with;
        if (out.grant_shared_with == 0) {
          auto grant = tx.GetGrant(caller.org_id, current.grant_id);
          if (grant.ok() && grant->status != store::AccountStatus::kDisconnected) {
            closed_grant = *grant;
            grant->status = store::AccountStatus::kDisconnected;
            grant->credentials_sealed.clear();
            grant->token_expires_at.reset();
            grant->last_error.clear();
            grant->updated_at = now;
            HERALD_RETURN_IF_ERROR(tx.UpdateGrant(*grant));
          }
        }
      }
      return tx.AppendAudit(
          Audit(caller.org_id, caller.actor(), "account.disconnect", current.id, detail, now));
    });
  });
  if (!written.ok()) co_return std::move(written).error();
  if (closed_grant && !closed_grant->credentials_sealed.empty()) {
    // The last account of the grant: revoke it at the network (best effort; the tokens are
    // erased here already).
    OAuthNetwork* grant_network = AsOAuthNetwork(platforms_.Find(closed_grant->platform));
    if (grant_network != nullptr) {
      Result<Json> creds = OpenGrantCredentials(keyring_, *closed_grant);
      co_await revoke(*grant_network, creds);
    }
  }
  out.scheduled_posts = scheduled;
  out.scheduled_posts_capped = scheduled >= kScheduledPostsScan;
  account.credentials_sealed.clear();
  out.account = std::move(account);
  co_return out;
}

}  // namespace herald::core
