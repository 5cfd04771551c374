#include "tools/resource_reads.h"

#include <utility>
#include <vector>

#include "tools/account_views.h"
#include "tools/post_views.h"

namespace herald::tools {

base::Task<base::Result<base::Json>> ReadAccounts(core::AccountService& accounts,
                                                  base::Caller caller) {
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<store::Account> list,
                             co_await accounts.List(std::move(caller)));
  co_return AccountListView(list, accounts.platforms(), accounts.clock().Now());
}

base::Task<base::Result<base::Json>> ReadPost(core::PostService& posts, base::Caller caller,
                                              std::string post_id) {
  HERALD_CO_ASSIGN_OR_RETURN(core::PostState post,
                             co_await posts.Get(std::move(caller), std::move(post_id)));
  co_return PostDetailView(post, posts.platforms());
}

base::Task<base::Result<base::Json>> ReadAccountAnalytics(core::AnalyticsService& analytics,
                                                          base::Caller caller,
                                                          std::string account_id) {
  co_return co_await analytics.AccountAnalytics(std::move(caller), std::move(account_id),
                                                std::nullopt, std::nullopt);
}

}  // namespace herald::tools
