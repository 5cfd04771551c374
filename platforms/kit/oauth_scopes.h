// Reading the scopes an OAuth grant carries and refusing a grant that lacks some: one copy for
// every OAuth network (a token answer's `scope` is space- or comma-separated, as the network
// writes it). Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_KIT_OAUTH_SCOPES_H_
#define HERALD_PLATFORMS_KIT_OAUTH_SCOPES_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace herald::platforms {

// The scopes of `granted`, split at spaces and commas, empty entries dropped.
std::vector<std::string> SplitScopes(std::string_view granted);

// True if `granted` (space- or comma-separated) holds `scope` exactly.
bool HasScope(std::string_view granted, std::string_view scope);

// The scopes of `required` that `granted` lacks, in `required`'s order.
std::vector<std::string> MissingScopes(std::string_view granted,
                                       const std::vector<std::string>& required);

// Ok when `missing` is empty or the network did not say what it granted (`granted` empty);
// otherwise kFailedPrecondition in the user's words: "<granter> granted herald only
// "<granted>"; herald also needs a, b: connect the <thing> again and allow every permission
// herald asks for".
base::Result<void> RequireScopes(std::string_view granted, const std::vector<std::string>& missing,
                                 std::string_view granter, std::string_view thing = "account");

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_KIT_OAUTH_SCOPES_H_
