#include "core/credentials.h"

namespace herald::core {

std::string AccountCredentialsContext(std::string_view org_id, std::string_view platform,
                                      std::string_view external_id) {
  std::string out = "account:";
  out += org_id;
  out += ':';
  out += platform;
  out += ':';
  out += external_id;
  return out;
}

std::string SealAccountCredentials(const base::Keyring& keyring, const store::Account& account,
                                   const base::Json& credentials) {
  return keyring.Seal(
      base::DumpJson(credentials),
      AccountCredentialsContext(account.org_id, account.platform, account.external_id));
}

base::Result<base::Json> OpenAccountCredentials(const base::Keyring& keyring,
                                                const store::Account& account) {
  if (account.credentials_sealed.empty()) {
    return base::FailedPrecondition("the account has no stored credentials");
  }
  auto clear = keyring.Open(
      account.credentials_sealed,
      AccountCredentialsContext(account.org_id, account.platform, account.external_id));
  if (!clear.ok()) {
    return base::PermissionDenied(
               "the stored credentials of this account cannot be opened with the current secret "
               "key; reconnect the account, or restore the old key (HERALD_SECRET_KEYS_OLD)")
        .set_detail(clear.error().ToString());
  }
  auto json = base::ParseJson(*clear);
  if (!json.ok() || !json->is_object()) {
    return base::InvalidArgument("the stored credentials of this account are not readable");
  }
  return std::move(*json);
}

std::string SealOAuthVerifier(const base::Keyring& keyring, std::string_view state_hash,
                              std::string_view verifier) {
  return keyring.Seal(verifier, "oauth_state:" + std::string(state_hash));
}

base::Result<std::string> OpenOAuthVerifier(const base::Keyring& keyring,
                                            std::string_view state_hash, std::string_view sealed) {
  auto clear = keyring.Open(sealed, "oauth_state:" + std::string(state_hash));
  if (!clear.ok()) {
    return base::PermissionDenied("the sign-in could not be finished with the current secret key")
        .set_detail(clear.error().ToString());
  }
  return std::move(*clear);
}

}  // namespace herald::core
