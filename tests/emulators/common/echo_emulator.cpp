#include "tests/emulators/common/echo_emulator.h"

#include "base/crypto.h"

namespace herald::emulators {
namespace {

http::Response Error(int status, const std::string& message) {
  return http::Response::Json(status, base::DumpJson(Json{{"error", message}}));
}

}  // namespace

EchoEmulator::EchoEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

void EchoEmulator::Reset() {
  tokens_.Clear();
  (void)tokens_.Issue("echo", "echo-token");
  std::lock_guard lock(mu_);
  posts_by_key_.clear();
  next_post_ = 1;
}

std::string EchoEmulator::Authenticate(const http::Request& req, http::Response& error) {
  auto info = tokens_.Find(BearerToken(req.Header("Authorization")));
  if (!info || info->revoked) {
    error = Error(401, "invalid token");
    return "";
  }
  return info->account;
}

void EchoEmulator::AddRoutes(ApiRoutes& routes) {
  routes.Add("POST", "/echo/posts", [this](http::Request req) -> base::Task<http::Response> {
    co_return CreatePost(req);
  });
  routes.Add("GET", "/echo/posts/{id}", [this](http::Request req) -> base::Task<http::Response> {
    http::Response error;
    if (Authenticate(req, error).empty()) co_return error;
    auto post = ctx_.posts().Find(req.PathParam("id"));
    if (!post || post->deleted) co_return Error(404, "not found");
    co_return http::Response::Json(
        200,
        base::DumpJson(Json{{"id", post->id}, {"text", post->text}, {"metrics", post->metrics}}));
  });
  routes.Add("DELETE", "/echo/posts/{id}", [this](http::Request req) -> base::Task<http::Response> {
    http::Response error;
    if (Authenticate(req, error).empty()) co_return error;
    if (!ctx_.posts().MarkDeleted(req.PathParam("id"))) {
      co_return Error(404, "not found");
    }
    co_return http::Response::Json(200, "{}");
  });
}

http::Response EchoEmulator::CreatePost(const http::Request& req) {
  http::Response error;
  const std::string account = Authenticate(req, error);
  if (account.empty()) return error;
  auto status = ctx_.rate_limiter().Consume("token:" + BearerToken(req.Header("Authorization")), 1,
                                            60, std::chrono::seconds(60), ctx_.Now());
  auto with_limits = [&](http::Response r) {
    r.headers.Set("X-Echo-Limit", std::to_string(status.limit));
    r.headers.Set("X-Echo-Remaining", std::to_string(status.remaining));
    return r;
  };
  if (status.exceeded) return with_limits(RateLimited(req, std::chrono::seconds(60)));
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object())
    return with_limits(Error(400, "body must be a JSON object"));
  const std::string text = base::GetString(*body, "text");
  const std::string key = base::GetString(*body, "key");
  if (text.empty()) return with_limits(Error(422, "text is empty"));

  std::lock_guard lock(mu_);
  if (!key.empty()) {
    auto it = posts_by_key_.find(account + "\n" + key);
    if (it != posts_by_key_.end()) {
      auto existing = ctx_.posts().Find(it->second);
      if (existing) {
        return with_limits(http::Response::Json(
            200, base::DumpJson(Json{{"id", existing->id}, {"text", existing->text}})));
      }
    }
  }
  CreatedPost post;
  post.id = "p" + std::to_string(next_post_++);
  post.account = account;
  post.text = text;
  post.reply_to = base::GetString(*body, "reply_to");
  post.idempotency_key = key;
  post.created_at = ctx_.Now();
  post.url = "http://echo.invalid/" + post.id;
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) return with_limits(Error(507, added.error().message()));
  if (!key.empty()) posts_by_key_[account + "\n" + key] = post.id;
  return with_limits(
      http::Response::Json(200, base::DumpJson(Json{{"id", post.id}, {"text", post.text}})));
}

http::Response EchoEmulator::RateLimited(const http::Request&, std::chrono::seconds retry_after) {
  http::Response r = Error(429, "rate limited");
  r.headers.Set("Retry-After", std::to_string(retry_after.count()));
  return r;
}

http::Response EchoEmulator::ServerError(const http::Request&, int status) {
  return Error(status, "server error");
}

http::Response EchoEmulator::ExpireToken(const http::Request& req) {
  (void)tokens_.Revoke(BearerToken(req.Header("Authorization")));
  return Error(401, "invalid token");
}

base::Result<Json> EchoEmulator::CreateToken(const Json& args) {
  auto token = tokens_.Issue(base::GetString(args, "account", "echo"),
                             base::GetString(args, "token"), Json::object(), "echo");
  if (!token.ok()) return token.error();
  return Json{{"token", *token}};
}

base::Result<void> EchoEmulator::RevokeToken(std::string_view token) {
  return tokens_.Revoke(token);
}

base::Result<void> EchoEmulator::ExpireTokens(std::string_view token) {
  if (!token.empty()) return tokens_.Revoke(token);
  for (const TokenInfo& t : tokens_.List()) (void)tokens_.Revoke(t.token);
  return base::Ok();
}

Json EchoEmulator::Info() const {
  return Json{{"accounts", Json::array({Json{{"account", "echo"}, {"token", "echo-token"}}})}};
}

void RegisterEchoEmulator(EmulatorRegistry& registry) {
  registry.Add("echo", "a minimal network for testing the emulator framework",
               [](EmulatorContext& ctx) { return std::make_unique<EchoEmulator>(ctx); });
}

}  // namespace herald::emulators
