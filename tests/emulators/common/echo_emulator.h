// EchoEmulator: the smallest possible network, for testing the emulator framework itself and as
// a template for real networks. Its API:
//   POST /echo/posts   Authorization: Bearer <token>, JSON {"text", "key"?, "reply_to"?}
//                      -> 200 {"id": "p<n>", "text"}; the same "key" again returns the same
//                      post (idempotent); empty text -> 422 {"error": "text is empty"}
//   GET  /echo/posts/{id} -> 200 the post | 404 {"error": "not found"}
//   DELETE /echo/posts/{id} -> 200 {} | 404
// Bad or missing token -> 401 {"error": "invalid token"}; 429 {"error": "rate limited"} with
// Retry-After; 5xx {"error": "server error"}. Seeded token: "echo-token" (account "echo").
// Every response carries X-Echo-Limit/Remaining (60 requests per minute per token).
#ifndef HERALD_TESTS_EMULATORS_COMMON_ECHO_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_COMMON_ECHO_EMULATOR_H_

#include <map>
#include <mutex>
#include <string>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {

class EchoEmulator final : public NetworkEmulator {
 public:
  explicit EchoEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "echo"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  Json Info() const override;
  void Reset() override;

 private:
  // The account of a valid bearer token, or "" (then `error` is the 401 answer).
  std::string Authenticate(const http::Request& req, http::Response& error);
  http::Response CreatePost(const http::Request& req);

  EmulatorContext& ctx_;
  TokenRegistry tokens_;
  std::mutex mu_;
  std::map<std::string, std::string> posts_by_key_;  // account + key -> post id
  int next_post_ = 1;
};

void RegisterEchoEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_ECHO_EMULATOR_H_
