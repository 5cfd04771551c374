// What AccountService's operations return: plain domain values, no JSON. The account tools
// (tools/account_views.h) shape them into what a client sees. Never credentials.
#ifndef HERALD_CORE_ACCOUNT_RESULTS_H_
#define HERALD_CORE_ACCOUNT_RESULTS_H_

#include <optional>
#include <string>

#include "base/clock.h"
#include "store/model.h"

namespace herald::core {

// The outcome of connecting an account: connected at once (token kinds), or waiting for the
// user to approve in a browser (OAuth kinds).
struct ConnectResult {
  bool pending_authorization = false;
  // Connected: the stored account (credentials_sealed cleared) and whether it replaced an
  // earlier connection of the same network account.
  store::Account account;
  bool reconnected = false;
  // Pending: where to send the user, until when the link works, and the redirect URI the
  // network sends the browser back to.
  std::string platform;       // network id
  std::string platform_name;  // display name
  std::string authorization_url;
  base::Time expires_at;
  std::string redirect_uri;
  // Names the pending sign-in for AccountService::WatchSignIn (the SHA-256 of its state; not a
  // secret, never shown).
  std::string pending_id;
};

// The outcome of disconnecting an account.
struct DisconnectResult {
  store::Account account;  // as it was before (credentials_sealed cleared)
  bool already_disconnected = false;
  // Whether the OAuth grant was revoked at the network; nullopt when there was none to revoke.
  std::optional<bool> revoked;
  std::string revoke_error;  // why revocation failed, when it did
  int scheduled_posts = 0;   // scheduled posts still targeting the account (capped scan)
  bool scheduled_posts_capped = false;  // the scan stopped at its cap: there may be more
  // Other connected accounts of the same OAuth sign-in (grant), which keep working: the grant
  // is revoked only with its last account (revoked stays nullopt until then).
  int grant_shared_with = 0;
};

}  // namespace herald::core

#endif  // HERALD_CORE_ACCOUNT_RESULTS_H_
