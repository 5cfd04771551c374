// ConsoleSessions: the web console's sign-in. A person types an API key once; it is verified
// like any other (KeyService::Verify) and exchanged for a random session token (the cookie).
// The store keeps only the token's SHA-256, the key id and the expiry, so sessions survive a
// restart and a database leak yields no usable cookie. Every Resolve re-reads the key: its
// current role applies and revoking it ends its sessions at once. The CSRF token of a session
// is derived from its token (an HMAC under a label), so it needs no storage and no other
// session's token can be guessed from it. Blocking (touches the store); thread-safe.
#ifndef HERALD_CORE_CONSOLE_SESSIONS_H_
#define HERALD_CORE_CONSOLE_SESSIONS_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "core/key_service.h"
#include "store/store.h"

namespace herald::core {

inline constexpr std::chrono::hours kConsoleSessionTtl{12};

// A signed-in session as the console sees it.
struct ConsoleSignIn {
  std::string token;       // the cookie value (only its hash is stored)
  std::string csrf_token;  // what every form and state-changing request must carry
  base::Caller caller;
  base::Time expires_at;
};

class ConsoleSessions {
 public:
  // `store`, `keys` and `clock` must outlive this object.
  ConsoleSessions(store::Store& store, KeyService& keys, const base::Clock& clock,
                  std::chrono::seconds ttl = kConsoleSessionTtl);

  // Verifies `api_key` and opens a session for it. Errors: kUnauthenticated ("invalid API key",
  // "API key revoked"), kUnavailable (store).
  base::Result<ConsoleSignIn> SignIn(std::string_view api_key);
  // The session behind cookie value `token`, with its key's current role. Errors:
  // kUnauthenticated (unknown, expired, signed out, or its key revoked), kUnavailable.
  base::Result<ConsoleSignIn> Resolve(std::string_view token);
  // Ends the session (no error when it is already gone).
  base::Result<void> SignOut(std::string_view token);

  // The CSRF token for session cookie `token`.
  static std::string CsrfTokenFor(std::string_view token);

 private:
  store::Store& store_;
  KeyService& keys_;
  const base::Clock& clock_;
  const std::chrono::seconds ttl_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_CONSOLE_SESSIONS_H_
