#include "core/console_sessions.h"

#include <utility>

#include "base/crypto.h"

namespace herald::core {
namespace {

constexpr std::string_view kCsrfLabel = "herald console csrf v1";
// Longer than any token RandomToken makes; a cookie beyond it is refused before hashing.
constexpr size_t kMaxTokenLength = 128;

base::Error SignedOut() {
  return base::Unauthenticated("not signed in (the session expired or was signed out)");
}

}  // namespace

ConsoleSessions::ConsoleSessions(store::Store& store, KeyService& keys, const base::Clock& clock,
                                 std::chrono::seconds ttl)
    : store_(store), keys_(keys), clock_(clock), ttl_(ttl) {}

std::string ConsoleSessions::CsrfTokenFor(std::string_view token) {
  return base::HexEncode(base::HmacSha256(token, kCsrfLabel));
}

base::Result<ConsoleSignIn> ConsoleSessions::SignIn(std::string_view api_key) {
  HERALD_ASSIGN_OR_RETURN(base::Caller caller, keys_.Verify(api_key));
  base::Time now = clock_.Now();
  store::ConsoleSession session;
  std::string token = base::RandomToken();
  session.token_hash = base::Sha256Hex(token);
  session.org_id = caller.org_id;
  session.key_id = caller.key_id;
  session.created_at = now;
  session.expires_at = now + ttl_;
  HERALD_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> base::Result<void> {
    (void)tx.DeleteExpiredConsoleSessions(now);
    return tx.InsertConsoleSession(session);
  }));
  ConsoleSignIn out;
  out.csrf_token = CsrfTokenFor(token);
  out.token = std::move(token);
  out.caller = std::move(caller);
  out.expires_at = session.expires_at;
  return out;
}

base::Result<ConsoleSignIn> ConsoleSessions::Resolve(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return SignedOut();
  std::string hash = base::Sha256Hex(token);
  base::Time now = clock_.Now();
  store::ConsoleSession session;
  store::ApiKey key;
  base::Result<void> read = store_.Read([&](store::Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(session, tx.GetConsoleSession(hash, now));
    HERALD_ASSIGN_OR_RETURN(key, tx.GetApiKey(session.key_id));
    return base::Ok();
  });
  if (!read.ok()) {
    if (read.error().code() == base::ErrorCode::kNotFound) return SignedOut();
    return std::move(read).error();
  }
  if (key.revoked_at || key.org_id != session.org_id) return SignedOut();
  ConsoleSignIn out;
  out.token = std::string(token);
  out.csrf_token = CsrfTokenFor(token);
  out.caller = base::Caller{key.org_id, key.id, key.role};
  out.expires_at = session.expires_at;
  return out;
}

base::Result<void> ConsoleSessions::SignOut(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return base::Ok();
  std::string hash = base::Sha256Hex(token);
  return store_.Write([&](store::Tx& tx) { return tx.DeleteConsoleSession(hash); });
}

}  // namespace herald::core
