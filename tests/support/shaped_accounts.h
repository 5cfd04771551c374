// ShapedAccounts: an AccountService whose answers come back as the account tools shape them
// (tools/account_views.h), so tests check the fields a client sees. Header-only; link
// herald_tools.
#ifndef HERALD_TESTS_SUPPORT_SHAPED_ACCOUNTS_H_
#define HERALD_TESTS_SUPPORT_SHAPED_ACCOUNTS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/account_service.h"
#include "tools/account_views.h"

namespace herald::testing {

class ShapedAccounts {
 public:
  // `service` is read at each call (a test may replace it).
  explicit ShapedAccounts(const std::unique_ptr<core::AccountService>& service)
      : service_(service) {}

  base::Task<base::Result<base::Json>> Connect(base::Caller caller, std::string platform,
                                               base::Json args) {
    auto r = co_await service_->Connect(std::move(caller), std::move(platform), std::move(args));
    if (!r.ok()) co_return std::move(r).error();
    co_return tools::ConnectView(*r, service_->platforms(), service_->clock().Now());
  }
  base::Task<base::Result<base::Json>> Disconnect(base::Caller caller, std::string account_id) {
    auto r = co_await service_->Disconnect(std::move(caller), std::move(account_id));
    if (!r.ok()) co_return std::move(r).error();
    co_return tools::DisconnectView(*r);
  }
  base::Task<base::Result<base::Json>> Refresh(std::string org_id, std::string account_id) {
    auto r = co_await service_->Refresh(std::move(org_id), std::move(account_id));
    if (!r.ok()) co_return std::move(r).error();
    co_return tools::AccountView(*r, service_->platforms().Find(r->platform),
                                      service_->clock().Now());
  }
  base::Result<base::Json> ListSync(const base::Caller& caller) {
    auto r = service_->ListSync(caller);
    if (!r.ok()) return std::move(r).error();
    return tools::AccountListView(*r, service_->platforms(), service_->clock().Now());
  }
  base::Result<base::Json> GetSync(const base::Caller& caller, const std::string& account_id) {
    auto r = service_->GetSync(caller, account_id);
    if (!r.ok()) return std::move(r).error();
    return tools::AccountDetailView(*r, service_->platforms().Find(r->platform),
                                    service_->clock().Now());
  }

 private:
  const std::unique_ptr<core::AccountService>& service_;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_SUPPORT_SHAPED_ACCOUNTS_H_
