// What herald's MCP resources show, read straight from the core with explicit parameters:
// herald://accounts is list_accounts' answer (no filter), herald://posts/{id} is get_post's.
// Same organization scoping and errors as those tools (kNotFound for another organization's
// post). Stateless; thread-safe.
#ifndef HERALD_TOOLS_RESOURCE_READS_H_
#define HERALD_TOOLS_RESOURCE_READS_H_

#include <string>

#include "base/async.h"
#include "base/caller.h"
#include "base/json.h"
#include "base/result.h"
#include "core/account_service.h"
#include "core/analytics_service.h"
#include "core/post_service.h"

namespace herald::tools {

// {"accounts": [AccountView...]}: every account of the caller's organization, oldest first.
base::Task<base::Result<base::Json>> ReadAccounts(core::AccountService& accounts,
                                                  base::Caller caller);

// PostDetailView of post `post_id`. Errors: kNotFound; kInvalidArgument for a malformed id.
base::Task<base::Result<base::Json>> ReadPost(core::PostService& posts, base::Caller caller,
                                              std::string post_id);

// get_account_analytics of `account_id` over the last 30 days (herald://analytics/{account_id}).
// Errors: kNotFound.
base::Task<base::Result<base::Json>> ReadAccountAnalytics(core::AnalyticsService& analytics,
                                                          base::Caller caller,
                                                          std::string account_id);

}  // namespace herald::tools

#endif  // HERALD_TOOLS_RESOURCE_READS_H_
