#include "core/credentials.h"

#include <array>

namespace herald::core {
namespace {

// The keys platforms::oauth::TokenSetToCredentials writes.
constexpr std::array<std::string_view, 8> kTokenKeys = {
    "kind",       "access_token", "refresh_token",      "token_type",
    "scope",      "expires_at",   "refresh_expires_at", "extra"};

bool IsTokenKey(std::string_view key) {
  for (std::string_view k : kTokenKeys) {
    if (k == key) return true;
  }
  return false;
}

base::Result<base::Json> OpenSealed(const base::Keyring& keyring, const std::string& sealed,
                                    const std::string& context, std::string_view what) {
  if (sealed.empty()) {
    return base::FailedPrecondition("the " + std::string(what) + " has no stored credentials");
  }
  auto clear = keyring.Open(sealed, context);
  if (!clear.ok()) {
    return base::PermissionDenied("the stored credentials of this " + std::string(what) +
                                  " cannot be opened with the current secret key; reconnect "
                                  "the account, or restore the old key (HERALD_SECRET_KEYS_OLD)")
        .set_detail(clear.error().ToString());
  }
  auto json = base::ParseJson(*clear);
  if (!json.ok() || !json->is_object()) {
    return base::InvalidArgument("the stored credentials of this " + std::string(what) +
                                 " are not readable");
  }
  return std::move(*json);
}

std::string GrantContext(const store::OAuthGrant& grant) {
  return "grant:" + grant.org_id + ":" + grant.id;
}

}  // namespace

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
  return OpenSealed(
      keyring, account.credentials_sealed,
      AccountCredentialsContext(account.org_id, account.platform, account.external_id),
      "account");
}

std::string SealGrantCredentials(const base::Keyring& keyring, const store::OAuthGrant& grant,
                                 const base::Json& credentials) {
  return keyring.Seal(base::DumpJson(credentials), GrantContext(grant));
}

base::Result<base::Json> OpenGrantCredentials(const base::Keyring& keyring,
                                              const store::OAuthGrant& grant) {
  return OpenSealed(keyring, grant.credentials_sealed, GrantContext(grant), "account");
}

base::Json MergeGrantCredentials(base::Json grant_credentials, const base::Json& own) {
  if (!grant_credentials.is_object()) grant_credentials = base::Json::object();
  if (own.is_object()) {
    for (const auto& [k, v] : own.items()) grant_credentials[k] = v;
  }
  return grant_credentials;
}

SplitCredentials SplitGrantCredentials(const base::Json& merged, const base::Json& own_before) {
  SplitCredentials out;
  if (!merged.is_object()) return out;
  for (const auto& [k, v] : merged.items()) {
    bool own = !IsTokenKey(k) || (own_before.is_object() && own_before.contains(k));
    (own ? out.own : out.grant)[k] = v;
  }
  return out;
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
