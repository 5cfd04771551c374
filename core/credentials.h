// Sealing of account credentials and OAuth verifiers: the only place that turns a platform
// token into stored text and back. Uses base::Keyring (AES-256-GCM); each sealed value is bound
// to its row by the authenticated context, so a value copied to another row does not open:
//
//   account credentials  "account:<org_id>:<platform>:<external_id>"  (stable across
//                        reconnects, known before the row's id is)
//   OAuth grant tokens   "grant:<org_id>:<grant_id>"
//   OAuth PKCE verifier  "oauth_state:<state_hash>"
//
// Pure functions over a Keyring; thread-safe.
#ifndef HERALD_CORE_CREDENTIALS_H_
#define HERALD_CORE_CREDENTIALS_H_

#include <string>
#include <string_view>

#include "base/crypto.h"
#include "base/json.h"
#include "base/result.h"
#include "store/model.h"

namespace herald::core {

std::string AccountCredentialsContext(std::string_view org_id, std::string_view platform,
                                      std::string_view external_id);

// Seals `credentials` for `account` (uses its org_id, platform and external_id).
std::string SealAccountCredentials(const base::Keyring& keyring, const store::Account& account,
                                   const base::Json& credentials);

// Opens the credentials of `account`. Errors: kFailedPrecondition when there are none (the
// account was disconnected); kPermissionDenied when they cannot be opened with the current
// keyring (a changed secret key, or a value moved between rows); kInvalidArgument when the
// clear text is not a JSON object.
base::Result<base::Json> OpenAccountCredentials(const base::Keyring& keyring,
                                                const store::Account& account);

// Seals / opens the token set of an OAuth grant (store::OAuthGrant). Errors as for accounts.
std::string SealGrantCredentials(const base::Keyring& keyring, const store::OAuthGrant& grant,
                                 const base::Json& credentials);
base::Result<base::Json> OpenGrantCredentials(const base::Keyring& keyring,
                                              const store::OAuthGrant& grant);

// The credentials an adapter sees for an account with a grant: the grant's tokens with the
// account's own credentials (a Page token, ...) merged over them.
base::Json MergeGrantCredentials(base::Json grant_credentials, const base::Json& own);

// Splits credentials an adapter saved for an account with a grant: the token fields
// (platforms/oauth/token_set.h) the account does not define itself go to `grant`, the rest
// stays the account's own.
struct SplitCredentials {
  base::Json grant = base::Json::object();
  base::Json own = base::Json::object();
};
SplitCredentials SplitGrantCredentials(const base::Json& merged, const base::Json& own_before);

std::string SealOAuthVerifier(const base::Keyring& keyring, std::string_view state_hash,
                              std::string_view verifier);
base::Result<std::string> OpenOAuthVerifier(const base::Keyring& keyring,
                                            std::string_view state_hash, std::string_view sealed);

}  // namespace herald::core

#endif  // HERALD_CORE_CREDENTIALS_H_
