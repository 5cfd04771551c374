// Loading the secret keyring that seals platform credentials (AES-256-GCM).
//
// The primary key comes from HERALD_SECRET_KEY (base64 of 32 bytes) or, when that is unset,
// from <data_dir>/secret.key (the same base64 text), generated once with mode 0600 when absent.
// HERALD_SECRET_KEYS_OLD (comma-separated base64 keys) adds retired keys that can still open
// values sealed before a rotation. Nothing is ever overwritten or deleted. The variables are
// read by the app's configuration and passed in (KeyringSecrets); errors still name them.
#ifndef HERALD_STORE_SECRET_KEY_H_
#define HERALD_STORE_SECRET_KEY_H_

#include <string>
#include <vector>

#include "base/crypto.h"
#include "base/result.h"

namespace herald::store {

// The keys given by the configuration.
struct KeyringSecrets {
  std::string secret_key;            // HERALD_SECRET_KEY (base64); "" = <data_dir>/secret.key
  std::vector<std::string> old_keys;  // HERALD_SECRET_KEYS_OLD, one base64 key each
};

// Errors (one clear line each): kFailedPrecondition for a key of the wrong size, a corrupt or
// unreadable key file, or a key file readable by group/others; kUnavailable when the data
// directory cannot be created or written.
base::Result<base::Keyring> LoadKeyring(const std::string& data_dir,
                                        const KeyringSecrets& secrets = {});

}  // namespace herald::store

#endif  // HERALD_STORE_SECRET_KEY_H_
