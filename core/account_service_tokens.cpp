// AccountService: the credentials the publishing core opens, and token refresh (single-flight
// per grant, in-process and across processes). See account_service.h.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "base/ids.h"
#include "base/time.h"
#include "core/account_service.h"
#include "core/account_service_internal.h"
#include "core/credentials.h"
#include "core/webhook_events.h"
#include "platforms/oauth/oauth_network.h"
#include "platforms/oauth/token_set.h"

namespace herald::core {
namespace {

using account_internal::AccountWho;
using account_internal::AnnounceNeedsReauth;
using account_internal::Audit;
using account_internal::Clip;
using account_internal::MergeTokens;
using account_internal::NoSuchAccount;
using base::ErrorCode;
using platforms::oauth::AsOAuthNetwork;
using platforms::oauth::OAuthNetwork;
using platforms::oauth::TokenSet;

// How often moving an account's own tokens into a grant is retried when another process moved
// them at the same moment.
constexpr int kMoveAttempts = 3;

base::Error Disconnected(const std::string& who, std::string_view then) {
  return base::PermissionDenied("the " + who + " was disconnected; reconnect it with " +
                                "connect_account" + std::string(then));
}

base::Error NeedsReconnect(const std::string& who, const std::string& last_error,
                           std::string_view then) {
  return base::Unauthenticated(
      "the " + who + " needs to be reconnected (" +
      (last_error.empty() ? "its authorization expired" : last_error) + "); run connect_account again" +
      std::string(then));
}

// What the user reads when the network refused the grant for good.
std::string ReconnectReason(const base::Error& refused) {
  return Clip(refused.message()) +
         "; the sign-in is no longer valid: reconnect the account with connect_account";
}

bool HasRefreshToken(const Json& credentials) {
  return credentials.is_object() && credentials.contains("refresh_token") &&
         credentials["refresh_token"].is_string() &&
         !credentials["refresh_token"].get<std::string>().empty();
}

// What an adapter is given for `account` (the callbacks are set by the caller).
platforms::AccountContext ContextFor(const store::Account& account, Json credentials) {
  platforms::AccountContext ctx;
  ctx.account_id = account.id;
  ctx.external_id = account.external_id;
  ctx.handle = account.handle;
  ctx.base_url = account.base_url;
  ctx.settings = account.settings;
  ctx.credentials = std::move(credentials);
  return ctx;
}

// What one look at the grant's row found.
struct LeaseStep {
  enum class Kind { kTaken, kHeld, kFresh };
  Kind kind = Kind::kHeld;
  store::OAuthGrant grant;  // as stored
};

}  // namespace

// ---- saving tokens ----

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
  if (!current->grant_id.empty()) {
    // Its tokens moved into a grant meanwhile: they go there.
    HERALD_ASSIGN_OR_RETURN(store::OAuthGrant grant,
                            tx.GetGrant(current->org_id, current->grant_id));
    HERALD_ASSIGN_OR_RETURN(Json own, OpenAccountCredentials(keyring_, *current));
    SplitCredentials split = SplitGrantCredentials(credentials, own);
    return SaveGrantRefreshedTx(tx, grant, split.grant, expires_at, now);
  }
  current->credentials_sealed = SealAccountCredentials(keyring_, *current, credentials);
  current->token_expires_at = expires_at;
  if (AsOAuthNetwork(platforms_.Find(current->platform)) != nullptr) {
    // Other networks renew their sessions their own way (a Bluesky refresh JWT).
    current->token_refreshable = !expires_at || HasRefreshToken(credentials);
  }
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

Result<void> AccountService::SaveGrantRefreshedTx(store::Tx& tx, const store::OAuthGrant& grant,
                                                  const Json& credentials,
                                                  std::optional<base::Time> expires_at,
                                                  base::Time now) {
  auto current = tx.GetGrant(grant.org_id, grant.id);
  if (!current.ok()) {
    return current.error().code() == ErrorCode::kNotFound
               ? base::FailedPrecondition("the account was disconnected meanwhile")
               : current.error();
  }
  if (current->status == store::AccountStatus::kDisconnected) {
    return base::FailedPrecondition("the account was disconnected meanwhile");
  }
  current->credentials_sealed = SealGrantCredentials(keyring_, *current, credentials);
  current->token_expires_at = expires_at;
  current->status = store::AccountStatus::kActive;
  current->last_error.clear();
  current->updated_at = now;
  HERALD_RETURN_IF_ERROR(tx.UpdateGrant(*current));
  HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> accounts,
                          tx.ListGrantAccounts(current->org_id, current->id));
  const bool refreshable = !expires_at || HasRefreshToken(credentials);
  for (store::Account& a : accounts) {
    if (a.status == store::AccountStatus::kDisconnected) continue;
    a.token_expires_at = expires_at;
    a.token_refreshable = refreshable;
    a.status = store::AccountStatus::kActive;
    a.last_error.clear();
    a.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateAccount(a));
    Json detail = {{"platform", a.platform}, {"grant_id", current->id}};
    detail["expires_at"] = expires_at ? Json(base::FormatRfc3339(*expires_at)) : Json(nullptr);
    HERALD_RETURN_IF_ERROR(
        tx.AppendAudit(Audit(a.org_id, "system", "account.token_refresh", a.id, detail, now)));
  }
  return base::Ok();
}

Result<void> AccountService::SaveGrantAccountCredentials(const store::Account& account,
                                                         const Json& own_before,
                                                         const Json& credentials,
                                                         std::optional<base::Time> expires_at) {
  const base::Time now = clock_.Now();
  SplitCredentials split = SplitGrantCredentials(credentials, own_before);
  return store_.Write([&](store::Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(store::OAuthGrant grant, tx.GetGrant(account.org_id, account.grant_id));
    HERALD_RETURN_IF_ERROR(SaveGrantRefreshedTx(tx, grant, split.grant, expires_at, now));
    if (split.own == own_before) return base::Ok();
    HERALD_ASSIGN_OR_RETURN(store::Account current, tx.GetAccount(account.org_id, account.id));
    if (current.status == store::AccountStatus::kDisconnected) return base::Ok();
    current.credentials_sealed = SealAccountCredentials(keyring_, current, split.own);
    current.updated_at = now;
    return tx.UpdateAccount(current);
  });
}

// ---- opening credentials ----

Result<platforms::AccountContext> AccountService::OpenCredentials(const store::Account& account) {
  // The caller has just read `account` (the worker loads it with the job): reading it again
  // would cost a transaction per publish.
  const store::Account& current = account;
  const std::string who = AccountWho(PlatformName(current.platform), current);
  constexpr std::string_view kThen = ", then retry the post";
  if (current.status == store::AccountStatus::kDisconnected || current.credentials_sealed.empty()) {
    return Disconnected(who, kThen);
  }
  if (current.status == store::AccountStatus::kNeedsReauth) {
    return NeedsReconnect(who, current.last_error, kThen);
  }
  HERALD_ASSIGN_OR_RETURN(Json credentials, OpenAccountCredentials(keyring_, current));
  if (!current.grant_id.empty()) return OpenGrantAccount(current, who, std::move(credentials));
  platforms::AccountContext ctx = ContextFor(current, std::move(credentials));
  ctx.save_credentials = [this, current](const Json& creds,
                                         std::optional<base::Time> expires_at) -> Result<void> {
    return SaveRefreshed(current, creds, expires_at);
  };
  if (AsOAuthNetwork(platforms_.Find(current.platform)) != nullptr) {
    ctx.refresh_credentials = [this, current]() -> Task<Result<Json>> {
      return RefreshOwnTokens(current);
    };
  }
  return ctx;
}

Result<platforms::AccountContext> AccountService::OpenGrantAccount(const store::Account& account,
                                                                   const std::string& who,
                                                                   Json own) {
  constexpr std::string_view kThen = ", then retry the post";
  auto grant = store::ReadValue<store::OAuthGrant>(
      store_, [&](store::Tx& tx) { return tx.GetGrant(account.org_id, account.grant_id); });
  if (!grant.ok()) {
    if (grant.error().code() == ErrorCode::kNotFound) return Disconnected(who, kThen);
    return std::move(grant).error();
  }
  if (grant->status == store::AccountStatus::kDisconnected || grant->credentials_sealed.empty()) {
    return Disconnected(who, kThen);
  }
  if (grant->status == store::AccountStatus::kNeedsReauth) {
    return NeedsReconnect(who, grant->last_error, kThen);
  }
  HERALD_ASSIGN_OR_RETURN(Json tokens, OpenGrantCredentials(keyring_, *grant));
  platforms::AccountContext ctx =
      ContextFor(account, MergeGrantCredentials(std::move(tokens), own));
  ctx.save_credentials = [this, account, own](const Json& creds,
                                              std::optional<base::Time> expires_at) {
    return SaveGrantAccountCredentials(account, own, creds, expires_at);
  };
  GrantSeen seen{std::move(*grant), who};
  ctx.refresh_credentials = [this, seen, own]() -> Task<Result<Json>> {
    return RefreshGrantAccount(seen, own);
  };
  return ctx;
}

// ---- needs_reauth ----

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
  return AnnounceNeedsReauth(tx, *current, now);
}

Result<void> AccountService::MarkGrantNeedsReauthTx(store::Tx& tx, const std::string& org_id,
                                                    const std::string& grant_id,
                                                    const std::string& reason, base::Time now) {
  HERALD_ASSIGN_OR_RETURN(store::OAuthGrant grant, tx.GetGrant(org_id, grant_id));
  if (grant.status == store::AccountStatus::kActive) {
    grant.status = store::AccountStatus::kNeedsReauth;
    grant.last_error = Clip(reason);
    grant.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateGrant(grant));
  }
  HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> accounts,
                          tx.ListGrantAccounts(org_id, grant_id));
  for (const store::Account& a : accounts) {
    HERALD_RETURN_IF_ERROR(MarkNeedsReauthTx(tx, org_id, a.id, reason, now));
  }
  return base::Ok();
}

Result<void> AccountService::MarkNeedsReauth(const std::string& org_id,
                                             const std::string& account_id,
                                             const std::string& reason) {
  const base::Time now = clock_.Now();
  return store_.Write(
      [&](store::Tx& tx) { return MarkNeedsReauthTx(tx, org_id, account_id, reason, now); });
}

// ---- refresh ----

Task<Result<store::Account>> AccountService::Refresh(std::string org_id, std::string account_id) {
  HERALD_CO_ASSIGN_OR_RETURN(store::Account account, co_await base::RunBlocking(blocking_, [&] {
                               return LoadAccount(org_id, account_id);
                             }));
  if (account.grant_id.empty() && AsOAuthNetwork(platforms_.Find(account.platform)) == nullptr) {
    co_return base::FailedPrecondition(PlatformName(account.platform) +
                                       " accounts have no OAuth tokens to refresh");
  }
  if (account.status == store::AccountStatus::kDisconnected) {
    co_return base::FailedPrecondition("the account is disconnected");
  }
  if (account.grant_id.empty()) {
    Task<Result<Json>> refresh = RefreshOwnTokens(account);
    HERALD_CO_RETURN_IF_ERROR(co_await std::move(refresh));
  } else {
    auto grant = co_await base::RunBlocking(blocking_, [&] {
      return store::ReadValue<store::OAuthGrant>(
          store_, [&](store::Tx& tx) { return tx.GetGrant(account.org_id, account.grant_id); });
    });
    if (!grant.ok()) co_return std::move(grant).error();
    GrantSeen seen{std::move(*grant), AccountWho(PlatformName(account.platform), account)};
    Task<Result<Json>> refresh = RefreshShared(std::move(seen));
    HERALD_CO_RETURN_IF_ERROR(co_await std::move(refresh));
  }
  HERALD_CO_ASSIGN_OR_RETURN(store::Account stored, co_await base::RunBlocking(blocking_, [&] {
                               return LoadAccount(org_id, account_id);
                             }));
  stored.credentials_sealed.clear();
  co_return stored;
}

Result<AccountService::Moved> AccountService::MoveTokensToGrant(const store::Account& account) {
  const std::string who = AccountWho(PlatformName(account.platform), account);
  for (int attempt = 0; attempt < kMoveAttempts; ++attempt) {
    const base::Time now = clock_.Now();
    auto moved = store::WriteValue<Moved>(store_, [&](store::Tx& tx) -> Result<Moved> {
      auto current = tx.GetAccount(account.org_id, account.id);
      if (!current.ok()) {
        return current.error().code() == ErrorCode::kNotFound ? NoSuchAccount(account.id)
                                                              : current.error();
      }
      if (current->status == store::AccountStatus::kDisconnected ||
          current->credentials_sealed.empty()) {
        return base::FailedPrecondition("the " + who + " was disconnected meanwhile");
      }
      Moved out;
      if (!current->grant_id.empty()) {
        // Moved by another caller: its tokens are fresher when they differ from ours.
        HERALD_ASSIGN_OR_RETURN(out.grant, tx.GetGrant(current->org_id, current->grant_id));
        HERALD_ASSIGN_OR_RETURN(out.own, OpenAccountCredentials(keyring_, *current));
        auto ours = OpenAccountCredentials(keyring_, account);
        auto theirs = OpenGrantCredentials(keyring_, out.grant);
        out.fresher = !ours.ok() || !theirs.ok() ||
                      ours->value("refresh_token", "") != theirs->value("refresh_token", "") ||
                      ours->value("access_token", "") != theirs->value("access_token", "");
        return out;
      }
      if (current->status == store::AccountStatus::kNeedsReauth) {
        return NeedsReconnect(who, current->last_error, "");
      }
      HERALD_ASSIGN_OR_RETURN(Json credentials, OpenAccountCredentials(keyring_, *current));
      SplitCredentials split = SplitGrantCredentials(credentials, Json::object());
      out.grant.id = base::NewId(base::kGrantPrefix, now);
      out.grant.org_id = current->org_id;
      out.grant.platform = current->platform;
      out.grant.credentials_sealed = SealGrantCredentials(keyring_, out.grant, split.grant);
      out.grant.status = store::AccountStatus::kActive;
      out.grant.token_expires_at = current->token_expires_at;
      out.grant.created_at = now;
      out.grant.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.InsertGrant(out.grant));
      HERALD_ASSIGN_OR_RETURN(
          bool attached,
          tx.AttachAccountToGrant(current->org_id, current->id, out.grant.id,
                                  SealAccountCredentials(keyring_, *current, split.own), now));
      if (!attached) return base::Aborted("moved by another process meanwhile");
      out.own = std::move(split.own);
      out.fresher = current->credentials_sealed != account.credentials_sealed;
      return out;
    });
    if (moved.ok() || moved.error().code() != ErrorCode::kAborted) return moved;
  }
  return base::Unavailable("the tokens of the " + who + " are being moved by another herald "
                           "process; try again later");
}

Task<Result<Json>> AccountService::RefreshOwnTokens(store::Account seen) {
  auto moved = co_await base::RunBlocking(blocking_, [&] { return MoveTokensToGrant(seen); });
  if (!moved.ok()) co_return std::move(moved).error();
  if (moved->fresher) {
    auto tokens = OpenGrantCredentials(keyring_, moved->grant);
    if (!tokens.ok()) co_return std::move(tokens).error();
    co_return MergeGrantCredentials(std::move(*tokens), moved->own);
  }
  GrantSeen grant{std::move(moved->grant), AccountWho(PlatformName(seen.platform), seen)};
  Task<Result<Json>> refresh = RefreshGrantAccount(std::move(grant), std::move(moved->own));
  co_return co_await std::move(refresh);
}

Task<Result<Json>> AccountService::RefreshGrantAccount(GrantSeen seen, Json own) {
  Task<Result<Json>> refresh = RefreshShared(std::move(seen));
  auto tokens = co_await std::move(refresh);
  if (!tokens.ok()) co_return std::move(tokens).error();
  co_return MergeGrantCredentials(std::move(*tokens), own);
}

Task<Result<Json>> AccountService::RefreshShared(GrantSeen seen) {
  // Named, not temporaries in the co_await expression (GCC 12 destroys those twice).
  std::string key = seen.grant.id;
  SingleFlight::Work work = [this, seen]() { return RefreshAcrossProcesses(seen); };
  Task<Result<Json>> shared = refreshes_.Run(std::move(key), std::move(work));
  co_return co_await std::move(shared);
}

Task<Result<Json>> AccountService::RefreshAcrossProcesses(GrantSeen seen) {
  OAuthNetwork* network = AsOAuthNetwork(platforms_.Find(seen.grant.platform));
  if (network == nullptr) {
    co_return base::FailedPrecondition(PlatformName(seen.grant.platform) +
                                       " accounts have no OAuth tokens to refresh");
  }
  const std::string& who = seen.who;
  const store::OAuthGrant& grant = seen.grant;
  const base::Time deadline = clock_.Now() + options_.refresh_wait;
  const int64_t max_polls = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::milliseconds>(options_.refresh_wait).count() /
             std::max<int64_t>(1, options_.refresh_poll.count()));
  for (int64_t polls = 0;; ++polls) {
    auto step = co_await base::RunBlocking(blocking_, [&]() -> Result<LeaseStep> {
      const base::Time now = clock_.Now();
      return store::WriteValue<LeaseStep>(store_, [&](store::Tx& tx) -> Result<LeaseStep> {
        auto current = tx.GetGrant(grant.org_id, grant.id);
        if (!current.ok()) {
          return current.error().code() == ErrorCode::kNotFound
                     ? base::FailedPrecondition("the " + who + " was disconnected meanwhile")
                     : current.error();
        }
        if (current->status == store::AccountStatus::kDisconnected ||
            current->credentials_sealed.empty()) {
          return base::FailedPrecondition("the " + who + " was disconnected meanwhile");
        }
        if (current->status == store::AccountStatus::kNeedsReauth) {
          return NeedsReconnect(who, current->last_error, "");
        }
        LeaseStep out;
        if (current->credentials_sealed != grant.credentials_sealed) {
          out.kind = LeaseStep::Kind::kFresh;  // refreshed meanwhile
        } else {
          HERALD_ASSIGN_OR_RETURN(
              bool taken, tx.TakeGrantRefreshLease(grant.org_id, grant.id,
                                                   grant.credentials_sealed, lease_owner_,
                                                   now + options_.refresh_lease, now));
          out.kind = taken ? LeaseStep::Kind::kTaken : LeaseStep::Kind::kHeld;
        }
        out.grant = std::move(*current);
        return out;
      });
    });
    if (!step.ok()) co_return std::move(step).error();
    switch (step->kind) {
      case LeaseStep::Kind::kFresh:
        co_return OpenGrantCredentials(keyring_, step->grant);
      case LeaseStep::Kind::kTaken: {
        // Named, not a temporary in the co_await expression (GCC 12 destroys those twice).
        GrantSeen taken{std::move(step->grant), who};
        Task<Result<Json>> refresh = RefreshHoldingLease(*network, std::move(taken));
        co_return co_await std::move(refresh);
      }
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
                                                       GrantSeen seen) {
  const store::OAuthGrant& grant = seen.grant;
  auto release = [&]() -> Task<void> {
    auto freed = co_await base::RunBlocking(blocking_, [&] {
      return store_.Write([&](store::Tx& tx) {
        return tx.ReleaseGrantRefreshLease(grant.org_id, grant.id, lease_owner_);
      });
    });
    if (!freed.ok()) {
      spdlog::warn("token refresh: could not free the lease of grant {}: {}", grant.id,
                   freed.error().ToString());
    }
  };
  auto credentials = OpenGrantCredentials(keyring_, grant);
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
      co_await release();  // transient: the grant is unchanged
      co_return failed;
    }
    // A definitive refusal: the grant and its accounts need reauth, unless it was renewed
    // meanwhile.
    const std::string reason = ReconnectReason(failed);
    auto marked = co_await base::RunBlocking(blocking_, [&]() -> Result<std::optional<Json>> {
      const base::Time now = clock_.Now();
      return store::WriteValue<std::optional<Json>>(
          store_, [&](store::Tx& tx) -> Result<std::optional<Json>> {
            HERALD_RETURN_IF_ERROR(tx.ReleaseGrantRefreshLease(grant.org_id, grant.id, lease_owner_));
            HERALD_ASSIGN_OR_RETURN(store::OAuthGrant current, tx.GetGrant(grant.org_id, grant.id));
            if (current.credentials_sealed != grant.credentials_sealed &&
                !current.credentials_sealed.empty()) {
              HERALD_ASSIGN_OR_RETURN(Json fresh, OpenGrantCredentials(keyring_, current));
              return std::optional<Json>(std::move(fresh));
            }
            HERALD_RETURN_IF_ERROR(
                MarkGrantNeedsReauthTx(tx, grant.org_id, grant.id, reason, now));
            return std::optional<Json>();
          });
    });
    if (!marked.ok()) co_return std::move(marked).error();
    if (marked->has_value()) co_return std::move(**marked);
    co_return base::Unauthenticated("the " + seen.who + " needs to be reconnected: " + reason);
  }
  // Store the new pair (and free the lease) before anyone uses it.
  Json merged = MergeTokens(std::move(*credentials), *next);
  auto saved = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    const base::Time now = clock_.Now();
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(SaveGrantRefreshedTx(tx, grant, merged, next->expires_at, now));
      return tx.ReleaseGrantRefreshLease(grant.org_id, grant.id, lease_owner_);
    });
  });
  if (!saved.ok()) {
    spdlog::error("token refresh: could not store the renewed tokens of grant {}: {}", grant.id,
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
