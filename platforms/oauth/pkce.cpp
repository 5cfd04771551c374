#include "platforms/oauth/pkce.h"

#include "base/crypto.h"

namespace herald::platforms::oauth {

std::string NewCodeVerifier() { return base::RandomToken(); }

std::string CodeChallengeS256(std::string_view verifier) {
  return base::Base64UrlEncode(base::Sha256(verifier));
}

}  // namespace herald::platforms::oauth
