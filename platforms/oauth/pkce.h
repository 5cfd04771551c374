// PKCE (RFC 7636): a fresh code verifier per authorization and its S256 challenge.
#ifndef HERALD_PLATFORMS_OAUTH_PKCE_H_
#define HERALD_PLATFORMS_OAUTH_PKCE_H_

#include <string>
#include <string_view>

namespace herald::platforms::oauth {

// 43 characters of base64url (32 random bytes): within RFC 7636's 43..128 unreserved chars.
std::string NewCodeVerifier();
// BASE64URL(SHA256(ASCII(verifier))), no padding.
std::string CodeChallengeS256(std::string_view verifier);

}  // namespace herald::platforms::oauth

#endif  // HERALD_PLATFORMS_OAUTH_PKCE_H_
