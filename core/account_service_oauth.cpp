// AccountService, the OAuth sign-in: starting it (state, PKCE, the authorize URL), watching for
// its end (elicitation complete), and the callback that exchanges the code and stores every
// account the grant yields.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "base/ids.h"
#include "base/time.h"
#include "core/account_service.h"
#include "core/account_service_internal.h"
#include "core/credentials.h"
#include "platforms/oauth/oauth_network.h"
#include "platforms/oauth/pkce.h"
#include "platforms/oauth/token_set.h"

namespace herald::core {
namespace {

using account_internal::Audit;
using account_internal::Clip;
using account_internal::JoinAnd;
using account_internal::Shown;
using base::ErrorCode;
using platforms::AuthKind;
using platforms::Platform;
using platforms::oauth::AsOAuthNetwork;
using platforms::oauth::OAuthNetwork;
using platforms::oauth::TokenSet;

// "Connected @alice on LinkedIn and 2 more accounts: Acme (LinkedIn page) and Beta (LinkedIn
// page). You can close this window." The first account is the one the sign-in was for.
std::string ConnectedMessage(const std::vector<store::Account>& accounts,
                             const std::string& network_name, const std::string& network_id,
                             const std::function<std::string(std::string_view)>& name_of) {
  auto who = [](const store::Account& a) {
    return Shown(!a.handle.empty()         ? a.handle
                 : !a.display_name.empty() ? a.display_name
                                           : a.external_id);
  };
  std::string out = "Connected " + who(accounts.front()) + " on " + network_name;
  if (accounts.size() > 1) {
    std::vector<std::string> others;
    for (size_t i = 1; i < accounts.size(); ++i) {
      const store::Account& a = accounts[i];
      std::string name = !a.display_name.empty() ? Shown(a.display_name) : who(a);
      if (a.platform != network_id) name += " (" + Shown(name_of(a.platform)) + ")";
      others.push_back(std::move(name));
    }
    out += " and " + std::to_string(others.size()) +
           (others.size() == 1 ? " more account: " : " more accounts: ") + JoinAnd(others);
  }
  return out + ". You can close this window.";
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

void AccountService::WatchSignIn(const std::string& pending_id, const std::string& org_id,
                                 SignInDone done) {
  if (pending_id.empty() || !done) return;
  const base::Time now = clock_.Now();
  std::lock_guard lock(watches_mu_);
  std::erase_if(watches_, [&](const auto& kv) { return kv.second.expires_at <= now; });
  watches_[pending_id] = Watch{org_id, now + options_.oauth_state_ttl, std::move(done)};
}

void AccountService::NotifySignIn(const std::string& state_hash, const std::string& org_id,
                                  const OAuthCallbackResult& result) {
  SignInDone done;
  {
    std::lock_guard lock(watches_mu_);
    auto it = watches_.find(state_hash);
    if (it == watches_.end()) return;
    if (it->second.org_id == org_id) done = std::move(it->second.done);
    watches_.erase(it);
  }
  if (!done) return;
  try {
    done(result);
  } catch (const std::exception& e) {
    spdlog::warn("oauth callback: the sign-in watcher failed: {}", e.what());
  }
}

Task<Result<ConnectResult>> AccountService::StartOAuth(base::Caller caller, Platform* platform) {
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
  out.pending_id = row.state_hash;
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
      // A sign-in is not retried by herald: drop that promise from a transient error.
      std::string why = e.message();
      constexpr std::string_view kRetried = "; herald will try again";
      for (size_t at; (at = why.find(kRetried)) != std::string::npos;)
        why.erase(at, kRetried.size());
      co_return finish(Kind::kFailed,
                       "Connecting " + out.platform_name + " failed: " + why + "." + start_again);
    };
    auto tokens =
        co_await oauth_.ExchangeCode(network->Provider(), code, st.redirect_uri, verifier);
    if (!tokens.ok()) co_return co_await fail(tokens.error());
    auto found = co_await network->DiscoverAccounts(*tokens);
    if (found.ok() && found->empty()) {
      found = base::FailedPrecondition("the sign-in gave herald access to no account");
    }
    for (size_t i = 0; found.ok() && i < found->size(); ++i) {
      if ((*found)[i].external_id.empty()) {
        found = base::Internal(platform_id + " named an account without an id");
      }
    }
    if (!found.ok()) {
      // Do not leave an orphaned grant behind.
      std::string token =
          tokens->refresh_token.empty() ? tokens->access_token : tokens->refresh_token;
      (void)co_await oauth_.Revoke(
          network->Provider(), token,
          tokens->refresh_token.empty() ? "access_token" : "refresh_token");
      co_return co_await fail(found.error());
    }
    auto stored = co_await base::RunBlocking(blocking_, [&] {
      return StoreGrant(st.org_id, st.created_by, *platform, *tokens, *found);
    });
    if (!stored.ok()) co_return co_await fail(stored.error());
    out.accounts = std::move(*stored);
    out.account = out.accounts.front();
    finish(Kind::kConnected,
           ConnectedMessage(out.accounts, out.platform_name, platform_id,
                            [this](std::string_view id) { return PlatformName(id); }));
    NotifySignIn(hash, st.org_id, out);
    co_return out;
  } catch (const std::exception& e) {
    spdlog::error("oauth callback: unexpected exception: {}", e.what());
  }
  co_return finish(Kind::kFailed,
                   "herald failed unexpectedly while finishing the sign-in." + start_again);
}

}  // namespace herald::core
