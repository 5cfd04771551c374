// CredentialSource: how the publishing core gets an account's clear credentials for one call.
//
// The core never unseals credentials itself. The account service (platforms-core) implements
// this: it opens the sealed credentials, refreshes tokens that are about to expire, and fills
// AccountContext.save_credentials so adapters can persist rotated tokens. Tests use a fake.
// Implementations are thread-safe; blocking (they may touch the store).
#ifndef HERALD_CORE_CREDENTIAL_SOURCE_H_
#define HERALD_CORE_CREDENTIAL_SOURCE_H_

#include "base/result.h"
#include "platforms/platform.h"
#include "store/model.h"

namespace herald::core {

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The context for `account`, as the caller has just read it from the store, with clear
  // credentials. Errors: kUnauthenticated /
  // kPermissionDenied when the credentials are unusable (the account needs reconnecting);
  // kUnavailable for a transient failure (retry later); kInternal otherwise.
  virtual base::Result<platforms::AccountContext> OpenCredentials(
      const store::Account& account) = 0;
};

}  // namespace herald::core

#endif  // HERALD_CORE_CREDENTIAL_SOURCE_H_
