#include "core/account_service_internal.h"

#include "core/webhook_events.h"

namespace herald::core::account_internal {
namespace {

constexpr size_t kMaxShownLength = 64;
constexpr size_t kMaxErrorLength = 500;

}  // namespace

std::string Shown(std::string_view s) {
  std::string out(s.substr(0, kMaxShownLength));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  if (s.size() > kMaxShownLength) out += "...";
  return out;
}

std::string Clip(std::string s) {
  if (s.size() > kMaxErrorLength) {
    s.resize(kMaxErrorLength);
    s += "...";
  }
  return s;
}

base::Error NoSuchAccount(std::string_view id) {
  return base::NotFound("no account with id '" + Shown(id) +
                        "'; list_accounts shows the connected accounts");
}

std::string JoinAnd(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

store::AuditEntry Audit(std::string org_id, std::string actor, std::string action,
                        std::string subject, base::Json detail, base::Time at) {
  store::AuditEntry e;
  e.org_id = std::move(org_id);
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.detail = std::move(detail);
  e.at = at;
  return e;
}

base::Json MergeTokens(base::Json previous, const platforms::oauth::TokenSet& tokens) {
  if (!previous.is_object()) previous = base::Json::object();
  const base::Json fresh =
      platforms::oauth::TokenSetToCredentials(tokens);  // named: see C++20 range-for
  for (const auto& [k, v] : fresh.items()) previous[k] = v;
  return previous;
}

std::string AccountWho(std::string_view platform_name, const store::Account& account) {
  return std::string(platform_name) + " account " +
         (account.handle.empty() ? account.id : account.handle);
}

base::Result<void> AnnounceNeedsReauth(store::Tx& tx, const store::Account& account,
                                       base::Time now) {
  HERALD_RETURN_IF_ERROR(EmitWebhookEvent(tx, account.org_id, "account.needs_reauth",
                                          base::Json{{"account_id", account.id},
                                                     {"platform", account.platform},
                                                     {"handle", account.handle},
                                                     {"reason", account.last_error}},
                                          now));
  return tx.AppendAudit(
      Audit(account.org_id, "system", "account.needs_reauth", account.id,
            base::Json{{"platform", account.platform}, {"reason", account.last_error}}, now));
}

}  // namespace herald::core::account_internal
