// OAuthEmulator: a loopback OAuth 2.0 authorization server plus a tiny resource API, for
// end-to-end tests of herald's OAuth flow (the "oauthtest" network). Plain http:// on
// 127.0.0.1 port 0, its own thread.
//
//   GET  /oauth/authorize   checks client_id, redirect_uri (exact match), response_type=code,
//                           PKCE S256 challenge; "the user" approves at once: 302 to
//                           redirect_uri?code&state (or ?error=access_denied&state when told to
//                           deny). Bad client or redirect_uri: 400 page, no redirect (RFC 6749
//                           4.1.2.1).
//   POST /oauth/token       authorization_code (single-use codes that expire, redirect_uri and
//                           code_verifier checked, a reused code revokes what it issued) and
//                           refresh_token (optionally rotating); client auth basic or post as
//                           configured; RFC 6749 5.2 error bodies; no-store headers.
//   POST /oauth/revoke      RFC 7009: 200 for any token, revoking a refresh token revokes its
//                           access tokens.
//   GET  /api/pages         the pages the user administers (a grant yielding several accounts):
//                           {"pages": [{"id", "name", "platform"?}]}, as configured.
//   GET  /api/me, POST /api/posts {"text", "media_urls"?, "page_id"?}, DELETE /api/posts/{id}: Bearer
//                           tokens; expired, revoked or unknown -> 401 invalid_token. The
//                           network GETs each media URL (http://, e.g. herald's signed
//                           /media/ URLs or presigned S3 URLs on loopback) and refuses the post
//                           with 400 unless each answers 200 with a JPEG (FF D8 FF) of at most
//                           8 MiB, 1080x1350, aspect 0.8..1.91.
// Access tokens expire by the injected clock. Thread-safe.
#ifndef HERALD_TESTS_EMULATORS_OAUTH_OAUTH_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_OAUTH_OAUTH_EMULATOR_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "platforms/oauth/oauth_provider.h"

namespace herald::testing {

// A page the emulated user administers: one more account of the same grant.
struct OAuthEmulatorPage {
  std::string id;
  std::string name;
  std::string platform;  // the sibling network id herald stores it under; empty: the same one
};

struct OAuthEmulatorOptions {
  std::string client_id = "herald-test-client";
  std::string client_secret = "herald-test-secret";
  std::string client_auth = "basic";  // "basic" | "post" | "any"
  // Accepted redirect URIs (exact match); empty = any http(s) URL.
  std::vector<std::string> redirect_uris;
  bool require_pkce = true;
  bool rotate_refresh_tokens = true;
  bool issue_refresh_tokens = true;
  std::chrono::seconds access_token_ttl{3600};
  std::chrono::seconds code_ttl{60};
  const base::Clock* clock = nullptr;  // default: the system clock
  std::string user_id = "4242";
  std::string username = "tester";
  std::string display_name = "Test User";
  std::vector<OAuthEmulatorPage> pages;  // GET /api/pages
};

class OAuthEmulator {
 public:
  explicit OAuthEmulator(OAuthEmulatorOptions options = {});
  ~OAuthEmulator();
  OAuthEmulator(const OAuthEmulator&) = delete;
  OAuthEmulator& operator=(const OAuthEmulator&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>"
  // The "oauthtest" network's provider for this emulator, with its client credentials.
  platforms::oauth::OAuthProvider Provider() const;
  uint16_t port() const;

  // ---- faults ----
  // The next authorization redirects back with this error instead of a code.
  void DenyNextAuthorization(std::string error = "access_denied",
                             std::string description = "The user denied access");
  // The next `n` token requests answer `status` (503: temporarily unavailable).
  void FailNextTokenRequests(int n, int status = 503);
  // While held, a token request waits before it is answered (at most 30 s), so a test can make
  // another caller act while a refresh is in flight. Releasing lets the waiting ones go on.
  void HoldTokenRequests(bool hold);
  // Token requests waiting behind HoldTokenRequests right now.
  int held_token_requests() const;
  // Every access token issued so far is refused by the API from now on (a server-side expiry).
  void InvalidateAccessTokens();
  // Every refresh token issued so far is dead (invalid_grant), as after a user revoked access.
  void InvalidateRefreshTokens();

  // Replaces the pages GET /api/pages lists (e.g. the user lost admin rights to one).
  void SetPages(std::vector<OAuthEmulatorPage> pages);
  // Whether token answers from now on carry a refresh token (LinkedIn often gives none).
  void SetIssueRefreshTokens(bool issue);

  // ---- observations ----
  int authorization_requests() const;
  int code_exchanges() const;  // successful authorization_code grants
  int refreshes() const;       // successful refresh_token grants
  int refresh_requests() const;  // refresh_token grants asked for (after injected faults)
  // Refresh requests that presented a refresh token some earlier request had presented.
  int refresh_token_reuses() const;
  int token_errors() const;    // token requests answered with an error
  int revocations() const;     // revoke calls accepted
  std::vector<std::string> revoked_tokens() const;
  int posts() const;
  std::string last_post_text() const;
  std::string last_post_page() const;  // page_id of the last accepted post ("" for the user)
  // The media URLs fetched successfully for accepted posts, in order.
  std::vector<std::string> fetched_media() const;
  int api_unauthorized() const;  // API calls refused with 401
  bool IsTokenActive(const std::string& access_token) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_EMULATORS_OAUTH_OAUTH_EMULATOR_H_
