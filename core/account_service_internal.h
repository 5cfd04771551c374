// Helpers shared by the AccountService source files (account_service.cpp: connect, callback,
// list, disconnect; account_service_tokens.cpp: credentials and token refresh). Internal to
// core/.
#ifndef HERALD_CORE_ACCOUNT_SERVICE_INTERNAL_H_
#define HERALD_CORE_ACCOUNT_SERVICE_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "platforms/oauth/token_set.h"
#include "store/model.h"
#include "store/store.h"

namespace herald::core::account_internal {

// `s` cut to a length fit for a message, control characters replaced.
std::string Shown(std::string_view s);
// `s` cut to the length of a stored error.
std::string Clip(std::string s);
base::Error NoSuchAccount(std::string_view id);
// "a", "a and b", "a, b and c".
std::string JoinAnd(const std::vector<std::string>& items);
store::AuditEntry Audit(std::string org_id, std::string actor, std::string action,
                        std::string subject, base::Json detail, base::Time at);
// In `tx`, after `account` was marked needs_reauth (its last_error the reason): the
// account.needs_reauth webhook event and the audit entry, by "system". Every path that marks an
// account (token refresh, a publish or delete the network refused) goes through here.
base::Result<void> AnnounceNeedsReauth(store::Tx& tx, const store::Account& account,
                                       base::Time now);
// The credentials JSON after a refresh: the previous object (network-specific fields an
// adapter added) with the token fields replaced.
base::Json MergeTokens(base::Json previous, const platforms::oauth::TokenSet& tokens);
// "<Network> account <handle or id>".
std::string AccountWho(std::string_view platform_name, const store::Account& account);

}  // namespace herald::core::account_internal

#endif  // HERALD_CORE_ACCOUNT_SERVICE_INTERNAL_H_
