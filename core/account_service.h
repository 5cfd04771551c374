// AccountService: connected social accounts: connect (token kinds verified with the network at
// once; OAuth kinds through an authorization URL and the callback), list, get, disconnect, the
// OAuth callback, token refresh, and the clear credentials the publishing core needs for one
// call (CredentialSource).
//
// Every caller-facing operation is scoped to the caller's organization: another
// organization's account id is kNotFound, worded exactly like a missing one. Reads need the
// viewer role, connect/disconnect the editor role. Every change is audited (never a secret).
// Credentials are sealed (core/credentials.h) before they reach the store; a failed connect
// stores nothing. Reconnecting the same network account (same org, platform, external id)
// updates its row instead of adding one.
//
// OAuth: connect returns an authorization URL whose `state` is random, stored only as its
// SHA-256, single-use and valid for options.oauth_state_ttl; the PKCE verifier is sealed. The
// network sends the browser to HERALD_PUBLIC_URL/oauth/callback/{platform}; CompleteOAuth
// exchanges the code, asks the network for every account the authorization yields
// (OAuthNetwork::DiscoverAccounts: a member and their pages, ...) and stores them all, each
// under its own network id, pointing at one GRANT (store::OAuthGrant) that holds the tokens.
// An account's credentials for publishing are the grant's tokens with the account's own
// (a Page token, ...) merged over them. Reconnecting moves the accounts to the new grant and
// reactivates them. Disconnecting one account leaves the others working; the grant is revoked
// at the network when its last account is disconnected. OAuth accounts stored before grants
// existed keep their tokens on their own row until their first refresh moves them into a grant.
//
// Token refresh has one path, used by the adapters (platforms/oauth/OAuthSession, before expiry
// and on a 401, through the refresh_credentials callback of the context OpenCredentials returns)
// and by Refresh (refresh jobs). It is single-flight per grant: within a process, concurrent
// callers (of any account of the grant) share one in-flight refresh; across processes sharing
// the database, the refreshing one holds the grant's refresh lease in the store, and another
// waits for it (re-reading the grant every options.refresh_poll, at most options.refresh_wait)
// and uses the tokens it stored. A caller whose tokens are older than the stored ones gets the
// stored ones, so a rotated refresh token is never sent twice. The new pair is stored before it
// is returned. A transient failure (5xx, timeout, 429) frees the lease and changes nothing
// (kUnavailable / kResourceExhausted: try later); only a definitive refusal (invalid_grant, or
// an expired token the network gave no refresh token for) marks the grant and every account of
// it needs_reauth, with a reason telling the user to reconnect.
//
// Store work runs on the `blocking` pool in the coroutine forms; the ...Sync forms and
// OpenCredentials block the calling thread. Thread-safe.
#ifndef HERALD_CORE_ACCOUNT_SERVICE_H_
#define HERALD_CORE_ACCOUNT_SERVICE_H_

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/result.h"
#include "core/account_pacing.h"
#include "core/account_results.h"
#include "core/credential_source.h"
#include "core/single_flight.h"
#include "platforms/http_client.h"
#include "platforms/oauth/oauth_client.h"
#include "platforms/oauth/oauth_network.h"
#include "platforms/platform_registry.h"
#include "store/store.h"

namespace herald::core {

using base::Json;
using base::Result;
using base::Task;

struct AccountServiceOptions {
  // HERALD_PUBLIC_URL: how browsers reach this server; the OAuth redirect URI is
  // public_url + "/oauth/callback/" + platform. Required only for OAuth networks.
  std::string public_url;
  // Same rule as the HTTPS client (HERALD_ALLOW_PRIVATE_NETWORKS), applied early to URL
  // arguments so the error names the argument.
  bool allow_private_networks = false;
  std::chrono::minutes oauth_state_ttl{10};
  // Token refresh across processes: how long a refresh may hold an account's lease (more than
  // the token request timeout; a lease whose holder died lapses after it), how often a caller
  // that finds the lease held re-reads the account, and how long it waits at most (measured
  // on the service's clock, and in polls) before giving up with kUnavailable.
  std::chrono::seconds refresh_lease{60};
  std::chrono::milliseconds refresh_poll{200};
  std::chrono::seconds refresh_wait{75};
  // Waits `delay` between two polls. Default (empty): a timer on the caller's executor. Tests
  // inject one that advances their FakeClock instead of sleeping.
  std::function<Task<void>(base::Micros delay)> pause;
  // The server's pacing (HERALD_ACCOUNT_PACING), which an account's own override changes;
  // only shown here (the publishing workers apply it).
  PacingRules pacing;
};

// What the OAuth callback page shows.
struct OAuthCallbackResult {
  enum class Kind {
    kConnected,     // the account is connected
    kStateInvalid,  // unknown, expired or already used state: start again
    kDenied,        // the network (the user) refused: error=... on the callback
    kFailed,        // the code exchange or the account lookup failed
  };
  Kind kind = Kind::kFailed;
  std::string platform;       // the network id from the callback path
  std::string platform_name;  // "X", or the id when unknown
  std::string message;        // one sentence for a human, safe to show
  std::optional<store::Account> account;  // when connected: the first account (credentials_sealed cleared)
  std::vector<store::Account> accounts;   // when connected: every account the sign-in yielded
};
std::string_view OAuthCallbackKindName(OAuthCallbackResult::Kind kind);

class AccountService : public CredentialSource {
 public:
  // Every reference outlives the service.
  AccountService(store::Store& store, const base::Keyring& keyring,
                 const platforms::PlatformRegistry& platforms, platforms::HttpClient& http,
                 const base::Clock& clock, base::asio::thread_pool& blocking,
                 AccountServiceOptions options = {});

  // Connects an account. `platform` is the network id; `args` the other arguments.
  //  - token, app-password and webhook kinds: checks `args` against the network's connect
  //    fields, verifies them with the network (Platform::Connect), seals and stores. Returns
  //    the stored account and whether it was a reconnection.
  //  - OAuth kinds: stores a single-use state and returns the authorization URL
  //    (pending_authorization).
  // Errors: kPermissionDenied for a viewer; kInvalidArgument for an unknown platform (listing
  // the supported ones) or a missing / extra / malformed argument (naming it, e.g. "telegram
  // needs chat_id"), or a URL that is not https or points to a private address; the network's
  // refusal (kUnauthenticated for a wrong or revoked token, with its reason); kFailedPrecondition
  // when an OAuth network lacks client credentials or HERALD_PUBLIC_URL is unset.
  Task<Result<ConnectResult>> Connect(base::Caller caller, std::string platform, Json args);

  // The organization's accounts, oldest first, disconnected ones included (credentials_sealed
  // cleared).
  Result<std::vector<store::Account>> ListSync(const base::Caller& caller);
  Task<Result<std::vector<store::Account>>> List(base::Caller caller);

  // One account (credentials_sealed cleared). Errors: kNotFound.
  Result<store::Account> GetSync(const base::Caller& caller, const std::string& account_id);
  Task<Result<store::Account>> Get(base::Caller caller, std::string account_id);

  // The pacing that holds for `account`: the server's with the account's override.
  PacingRules PacingFor(const store::Account& account) const;

  // Gives the account its own pacing (account_pacing.h: the parts of `pacing` override the
  // server's, HERALD_ACCOUNT_PACING) or, with null, returns it to the server's. Kept across
  // reconnections; audited. Admin only: pacing protects accounts from runaway agents.
  // Errors: kInvalidArgument naming the field; kNotFound; kPermissionDenied below admin.
  Task<Result<store::Account>> SetPacing(base::Caller caller, std::string account_id, Json pacing);

  // Revokes OAuth tokens at the network (best effort: a failed revocation
  // is reported, not fatal), marks the account disconnected and erases its credentials.
  // Posts still scheduled for it fail at publish time with a reason saying so. Returns what
  // was done (revocation, how many scheduled posts still target it).
  // Errors: kNotFound; kPermissionDenied for a viewer.
  Task<Result<DisconnectResult>> Disconnect(base::Caller caller, std::string account_id);

  // GET /oauth/callback/{platform}?state&code | ?state&error&error_description. Never fails:
  // the outcome is a page. The state is consumed even when the network reports an error.
  Task<OAuthCallbackResult> CompleteOAuth(std::string platform, std::string state, std::string code,
                                          std::string error, std::string error_description);

  // Called once with the outcome when the sign-in `pending_id` (ConnectResult::pending_id) of
  // organization `org_id` has connected its accounts through the callback; never for another
  // organization, never when the sign-in failed. Forgotten once the link expires. The callback
  // runs on the thread finishing the sign-in and must not block. In-process only: a callback
  // served by another herald process does not reach it.
  using SignInDone = std::function<void(const OAuthCallbackResult& result)>;
  void WatchSignIn(const std::string& pending_id, const std::string& org_id, SignInDone done);

  // Refreshes an OAuth account's tokens (its grant's) now (refresh jobs), through the
  // single-flight path (when another caller is refreshing the grant, waits for it and keeps its
  // tokens). Returns
  // the account as stored after (credentials_sealed cleared). Errors: kNotFound;
  // kFailedPrecondition for a non-OAuth or disconnected account; kUnauthenticated when the
  // account needs reauth or the network refused the grant (the account is now needs_reauth);
  // kUnavailable / kResourceExhausted for transient failures or a refresh by another process
  // that did not finish in time (the account is unchanged).
  Task<Result<store::Account>> Refresh(std::string org_id, std::string account_id);

  // CredentialSource: the clear credentials of `account` (as the caller just read it; not read
  // again) with save_credentials set (seals and stores rotated tokens; blocking) and, for OAuth
  // networks, refresh_credentials (the single-flight refresh above; it returns the stored
  // clear credentials). Errors:
  // kPermissionDenied for a disconnected account ("... was disconnected; reconnect it"),
  // kUnauthenticated for one that needs reauth, kInternal when the seal cannot be opened.
  Result<platforms::AccountContext> OpenCredentials(const store::Account& account) override;

  // The networks accounts connect to (names, limits, features).
  const platforms::PlatformRegistry& platforms() const { return platforms_; }
  // The service's clock (what "now" is for expiry warnings).
  const base::Clock& clock() const { return clock_; }

  // Marks an active account needs_reauth with `reason` (what the network said), e.g. after a
  // publish was refused with kUnauthenticated / kPermissionDenied (only this account, not the
  // other accounts of its grant). Errors: kNotFound.
  Result<void> MarkNeedsReauth(const std::string& org_id, const std::string& account_id,
                               const std::string& reason);

 private:
  struct Watch {
    std::string org_id;
    base::Time expires_at;
    SignInDone done;
  };
  // A grant as a refresh caller read it, and how messages name the account that asked.
  struct GrantSeen {
    store::OAuthGrant grant;
    std::string who;  // "OAuth test network account @tester"
  };

  Task<Result<ConnectResult>> ConnectWithToken(base::Caller caller, platforms::Platform* platform,
                                               Json args);
  Task<Result<ConnectResult>> StartOAuth(base::Caller caller, platforms::Platform* platform);
  // Inserts or updates the account for `connected` in one transaction with its audit entry.
  Result<ConnectResult> StoreConnected(const std::string& org_id, const std::string& actor,
                              const platforms::Platform& platform,
                              const platforms::ConnectedAccount& connected);
  // Stores a new grant holding `tokens` and every account in `found` (under its own platform,
  // or `network`'s), in one transaction; accounts that were connected before move to the new
  // grant; grants no account uses any more are closed. Returns the stored accounts.
  Result<std::vector<store::Account>> StoreGrant(
      const std::string& org_id, const std::string& actor, const platforms::Platform& network,
      const platforms::oauth::TokenSet& tokens,
      const std::vector<platforms::ConnectedAccount>& found);
  // Tells the watcher of the sign-in `state_hash`, if any (see WatchSignIn).
  void NotifySignIn(const std::string& state_hash, const std::string& org_id,
                    const OAuthCallbackResult& result);
  Result<store::Account> LoadAccount(const std::string& org_id, const std::string& account_id);
  // Marks accounts whose token expired without a way to renew it needs_reauth (persisted) and
  // returns them as stored.
  Result<void> ExpireUnrenewable(std::vector<store::Account>& accounts);
  Result<void> SaveRefreshed(const store::Account& account, const Json& credentials,
                             std::optional<base::Time> expires_at);
  Result<void> SaveRefreshedTx(store::Tx& tx, const store::Account& account,
                               const Json& credentials, std::optional<base::Time> expires_at,
                               base::Time now);
  // What an adapter saved for an account with a grant: tokens to the grant, the rest to the
  // account's own credentials.
  Result<void> SaveGrantAccountCredentials(const store::Account& account, const Json& own_before,
                                           const Json& credentials,
                                           std::optional<base::Time> expires_at);
  // Stores refreshed `credentials` on the grant (active again) and mirrors the expiry on its
  // accounts. kFailedPrecondition when the grant was closed meanwhile.
  Result<void> SaveGrantRefreshedTx(store::Tx& tx, const store::OAuthGrant& grant,
                                    const Json& credentials, std::optional<base::Time> expires_at,
                                    base::Time now);
  Result<void> MarkNeedsReauthTx(store::Tx& tx, const std::string& org_id,
                                 const std::string& account_id, const std::string& reason,
                                 base::Time now);
  // The grant and every active account of it needs_reauth with `reason`.
  Result<void> MarkGrantNeedsReauthTx(store::Tx& tx, const std::string& org_id,
                                      const std::string& grant_id, const std::string& reason,
                                      base::Time now);
  // The credentials of an account with a grant (OpenCredentials).
  Result<platforms::AccountContext> OpenGrantAccount(const store::Account& account,
                                                     const std::string& who, Json own);
  // Moves the tokens of an OAuth account stored before grants existed into a new grant (once,
  // whichever process does it first). Returns the grant as stored and the account's own
  // credentials; `fresher` is set when the grant already holds tokens other than the ones in
  // `account` (refreshed meanwhile: use them, do not refresh).
  struct Moved {
    store::OAuthGrant grant;
    Json own = Json::object();
    bool fresher = false;
  };
  Result<Moved> MoveTokensToGrant(const store::Account& account);
  // The refresh of an account stored before grants existed: moves its tokens, then refreshes
  // the grant. Returns the account's merged credentials.
  Task<Result<Json>> RefreshOwnTokens(store::Account seen);
  // RefreshShared, then the account's `own` credentials merged over the grant's tokens.
  Task<Result<Json>> RefreshGrantAccount(GrantSeen seen, Json own);
  // The single-flight refresh (see the top comment). `seen` is the grant as the caller read
  // it. Returns the grant's stored clear credentials (its tokens).
  Task<Result<Json>> RefreshShared(GrantSeen seen);
  // Across processes: takes the grant's lease and refreshes, or waits for the holder.
  Task<Result<Json>> RefreshAcrossProcesses(GrantSeen seen);
  // Refreshes with the lease held; stores the new pair and frees the lease in one transaction.
  Task<Result<Json>> RefreshHoldingLease(const platforms::oauth::OAuthNetwork& network,
                                         GrantSeen seen);
  Task<void> Pause(base::Micros delay);
  std::string RedirectUri(std::string_view platform) const;
  std::string PlatformName(std::string_view id) const;

  store::Store& store_;
  const base::Keyring& keyring_;
  const platforms::PlatformRegistry& platforms_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  AccountServiceOptions options_;
  platforms::oauth::OAuthClient oauth_;
  std::string lease_owner_;  // this service's id in the store's refresh leases
  SingleFlight refreshes_;   // keyed by grant id
  std::mutex watches_mu_;
  std::map<std::string, Watch> watches_;  // by state hash
};

}  // namespace herald::core

#endif  // HERALD_CORE_ACCOUNT_SERVICE_H_
