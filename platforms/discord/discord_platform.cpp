#include "platforms/discord/discord_platform.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <utility>

#include "platforms/multipart.h"

namespace herald::platforms::discord {
namespace {

using base::Error;
using base::ErrorCode;
namespace asio = base::asio;

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

MultipartForm::Encoded EncodeForm(const std::vector<FormPart>& parts) {
  MultipartForm form;
  for (const FormPart& p : parts) {
    if (!p.file_name.empty()) {
      form.AddFile(p.name, p.file_name, p.content_type, p.value);
    } else if (!p.content_type.empty()) {
      form.AddTyped(p.name, p.content_type, p.value);
    } else {
      form.AddField(p.name, p.value);
    }
  }
  return form.ContentTypeAndBody();
}

// The webhook from the account's credentials. Errors: kUnauthenticated when missing/corrupt.
Result<WebhookRef> HookOf(const AccountContext& account) {
  std::string url = base::GetString(account.credentials, "webhook_url");
  if (url.empty()) {
    return base::Unauthenticated("the Discord account has no webhook URL; reconnect it");
  }
  auto ref = ParseWebhookUrl(url);
  if (!ref.ok()) {
    return base::Unauthenticated("the Discord account's webhook URL is malformed; reconnect it");
  }
  return ref;
}

std::vector<std::string> MessageIds(const Json& state) {
  std::vector<std::string> ids;
  if (state.is_object() && state.contains("message_ids") && state["message_ids"].is_array()) {
    for (const Json& id : state["message_ids"]) {
      if (id.is_string() && !id.get<std::string>().empty()) ids.push_back(id.get<std::string>());
    }
  }
  return ids;
}

// Prefixes "thread part i of n: " to an error of a multi-part post, keeping code and hints.
Error InPart(Error e, size_t i, size_t n) {
  if (n <= 1) return e;
  Error out(
      e.code(),
      "thread part " + std::to_string(i + 1) + " of " + std::to_string(n) + ": " + e.message(),
      e.detail());
  if (e.retry_after()) out.set_retry_after(*e.retry_after());
  return out;
}

}  // namespace

DiscordPlatform::DiscordPlatform(HttpClient* http, Options options)
    : http_(http), options_(std::move(options)) {
  options_.base_url = TrimSlash(options_.base_url);
}

const PlatformInfo& DiscordPlatform::Info() const { return discord::Info(); }

ValidationReport DiscordPlatform::Validate(const Content& content) const {
  return discord::Validate(content);
}

std::string DiscordPlatform::HookUrl(const WebhookRef& hook) const {
  return options_.base_url + "/webhooks/" + hook.id + "/" + hook.token;
}

Task<Result<HttpResponse>> DiscordPlatform::Exchange(WebhookRef hook, std::string method,
                                                     std::string path_suffix,
                                                     std::string content_type, std::string body,
                                                     CallKind kind,
                                                     std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = HookUrl(hook) + path_suffix;
  request.headers = {{"Accept", "application/json"}};
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  request.body = std::move(body);
  request.total_timeout = timeout;
  auto response = co_await http_->Send(std::move(request));
  if (!response.ok()) co_return MapTransportError(response.error(), kind, hook.token);
  co_return std::move(response).value();
}

Task<Result<DiscordPlatform::Reply>> DiscordPlatform::Call(WebhookRef hook, std::string method,
                                                           std::string path_suffix,
                                                           std::string content_type,
                                                           std::string body, CallKind kind,
                                                           std::chrono::milliseconds timeout) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse response,
      co_await Exchange(std::move(hook), std::move(method), std::move(path_suffix),
                        std::move(content_type), std::move(body), kind, timeout));
  HERALD_CO_ASSIGN_OR_RETURN(Json parsed,
                             ParseResponse(response.status, response.headers, response.body, kind));
  co_return Reply{std::move(parsed), ParseRateLimit(response.headers)};
}

Task<Result<ConnectedAccount>> DiscordPlatform::Connect(Json args) {
  if (!args.is_object()) co_return base::InvalidArgument("arguments must be an object");
  const std::string url = base::GetString(args, "webhook_url");
  if (url.empty()) {
    co_return base::InvalidArgument(
        "webhook_url is required: the channel's webhook URL "
        "(https://discord.com/api/webhooks/<id>/<token>)");
  }
  HERALD_CO_ASSIGN_OR_RETURN(WebhookRef hook, ParseWebhookUrl(url));
  HERALD_CO_ASSIGN_OR_RETURN(
      Reply reply, co_await Call(hook, "GET", "", "", "", CallKind::kRead, options_.timeout));
  HERALD_CO_ASSIGN_OR_RETURN(Webhook webhook, ParseWebhook(reply.body));
  if (webhook.type != 1) {
    co_return base::InvalidArgument(
        "webhook_url is not an incoming webhook (Discord reports type " +
        std::to_string(webhook.type) + "); create one under Channel settings > Integrations");
  }
  ConnectedAccount account;
  account.external_id = webhook.id;
  account.handle = webhook.name.empty() ? "webhook " + webhook.id : webhook.name;
  account.display_name = account.handle;
  account.settings = Json{{"webhook_id", webhook.id},
                          {"guild_id", webhook.guild_id},
                          {"channel_id", webhook.channel_id}};
  account.credentials = Json{{"webhook_url", CanonicalWebhookUrl(hook)}};
  co_return account;
}

Task<Result<DiscordPlatform::Reply>> DiscordPlatform::ExecutePart(WebhookRef hook, PostPart part) {
  if (part.media.empty()) {
    std::string body = base::DumpJson(ExecuteWebhookPayload(part.text, {}));
    co_return co_await Call(hook, "POST", "?wait=true", "application/json", std::move(body),
                            CallKind::kWrite, options_.timeout);
  }
  MultipartForm::Encoded encoded = EncodeForm(ExecuteWebhookForm(part.text, part.media));
  co_return co_await Call(hook, "POST", "?wait=true", std::move(encoded.content_type),
                          std::move(encoded.body), CallKind::kWrite, options_.upload_timeout);
}

Task<Result<PublishReceipt>> DiscordPlatform::Publish(PublishRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(WebhookRef hook, HookOf(request.account));
  const auto& parts = request.content.parts;
  if (parts.empty()) co_return base::InvalidArgument("the post has no content");

  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  std::vector<std::string> ids = MessageIds(state);
  if (ids.size() > parts.size()) ids.resize(parts.size());
  std::string channel_id =
      base::GetString(state, "channel_id", base::GetString(request.account.settings, "channel_id"));

  for (size_t i = ids.size(); i < parts.size(); ++i) {
    auto reply = co_await ExecutePart(hook, parts[i]);
    if (!reply.ok()) co_return InPart(std::move(reply).error(), i, parts.size());
    auto message = ParseMessage(reply->body);
    if (!message.ok()) co_return InPart(std::move(message).error(), i, parts.size());
    ids.push_back(message->id);
    if (!message->channel_id.empty()) channel_id = message->channel_id;
    state["message_ids"] = ids;
    state["channel_id"] = channel_id;
    if (i + 1 == parts.size()) break;
    if (request.save_remote_state) {
      auto saved = request.save_remote_state(state);
      if (!saved.ok()) {
        co_return base::Unknown("part " + std::to_string(i + 1) +
                                    " of the thread was posted on Discord but herald could not "
                                    "record it",
                                saved.error().ToString());
      }
    }
    // Bucket empty: wait for the reset if it is short, else hand back with the reset time.
    const RateLimit& rate = reply->rate;
    if (rate.remaining.has_value() && *rate.remaining == 0 && rate.reset_after.has_value()) {
      if (*rate.reset_after > options_.max_bucket_wait) {
        Error e = base::ResourceExhausted(
            "Discord's rate limit for this webhook is used up; the rest of the thread follows "
            "when it resets");
        e.set_retry_after(*rate.reset_after);
        co_return e;
      }
      asio::steady_timer timer(co_await asio::this_coro::executor, *rate.reset_after);
      co_await timer.async_wait(base::kNoThrow);
    }
  }

  PublishReceipt receipt;
  receipt.external_id = ids.front();
  receipt.url =
      MessageUrl(base::GetString(request.account.settings, "guild_id"), channel_id, ids.front());
  receipt.remote_state = state;
  co_return receipt;
}

Task<Result<std::optional<PublishReceipt>>> DiscordPlatform::Find(PublishRequest request) {
  (void)request;
  co_return base::Unimplemented(
      "Discord webhooks cannot tell whether a message was posted: a webhook can read a message "
      "only by its id and has no duplicate protection");
}

Task<Result<void>> DiscordPlatform::Delete(AccountContext account, PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(WebhookRef hook, HookOf(account));
  std::vector<std::string> ids = MessageIds(receipt.remote_state);
  if (ids.empty() && !receipt.external_id.empty()) ids.push_back(receipt.external_id);
  if (ids.empty()) co_return base::InvalidArgument("the receipt has no Discord message id");
  std::reverse(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    HERALD_CO_ASSIGN_OR_RETURN(HttpResponse response,
                               co_await Exchange(hook, "DELETE", "/messages/" + id, "", "",
                                                 CallKind::kDelete, options_.timeout));
    if (response.status >= 200 && response.status < 300) continue;
    const int code = ErrorCodeOf(response.body);
    if (code == kUnknownWebhook) {
      co_return base::FailedPrecondition(
          "the Discord webhook that posted this message was deleted, so herald cannot delete "
          "the message; delete it in Discord");
    }
    if (response.status == 404) continue;  // Unknown Message: already gone
    co_return MapFailure(response.status, response.headers, response.body);
  }
  co_return base::Ok();
}

Task<Result<Json>> DiscordPlatform::FetchPostMetrics(AccountContext account,
                                                     PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(WebhookRef hook, HookOf(account));
  if (receipt.external_id.empty()) {
    co_return base::InvalidArgument("the receipt has no Discord message id");
  }
  HERALD_CO_ASSIGN_OR_RETURN(Reply reply,
                             co_await Call(hook, "GET", "/messages/" + receipt.external_id, "", "",
                                           CallKind::kRead, options_.timeout));
  co_return ReactionMetrics(reply.body);
}

Task<Result<Json>> DiscordPlatform::FetchAccountMetrics(AccountContext account) {
  (void)account;
  co_return base::Unimplemented(
      "a Discord webhook cannot see its channel's members, so there are no account numbers");
}

std::unique_ptr<Platform> MakeDiscordPlatform(HttpClient* http, const BaseUrlOverrides& base_urls) {
  DiscordPlatform::Options options;
  if (auto it = base_urls.find("discord"); it != base_urls.end() && !it->second.empty()) {
    options.base_url = it->second;
  }
  return std::make_unique<DiscordPlatform>(http, std::move(options));
}

}  // namespace herald::platforms::discord
