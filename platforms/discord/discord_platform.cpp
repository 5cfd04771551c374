#include "platforms/discord/discord_platform.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/thread_publisher.h"
#include "platforms/multipart.h"

namespace herald::platforms::discord {
namespace {

using base::Error;
using base::ErrorCode;
namespace asio = base::asio;

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

// remote_state {"channel_id", "message_ids": ["...", ...]}: one message id per part.
const ThreadPublisher& Threads() {
  static const ThreadPublisher* threads = new ThreadPublisher(
      "Discord", {.key = "message_ids", .usable = [](const Json& id) {
                    return id.is_string() && !id.get<std::string>().empty();
                  }});
  return *threads;
}

std::vector<std::string> MessageIds(const Json& state) {
  std::vector<std::string> ids;
  for (const Json& id : Threads().DoneEntries(state, SIZE_MAX)) ids.push_back(id.get<std::string>());
  return ids;
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
  if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), kind, hook.token);
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
  MultipartForm::Encoded encoded = EncodeMultipart(ExecuteWebhookForm(part.text, part.media));
  co_return co_await Call(hook, "POST", "?wait=true", std::move(encoded.content_type),
                          std::move(encoded.body), CallKind::kWrite, options_.upload_timeout);
}

Task<Result<PublishReceipt>> DiscordPlatform::Publish(PublishRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(WebhookRef hook, HookOf(request.account));
  const auto& parts = request.content.parts;
  if (parts.empty()) co_return base::InvalidArgument("the post has no content");

  Json initial = request.remote_state.is_object() ? request.remote_state : Json::object();
  std::string channel_id = base::GetString(
      initial, "channel_id", base::GetString(request.account.settings, "channel_id"));
  initial["channel_id"] = channel_id;
  std::optional<RateLimit> rate;  // the bucket after the previous part
  PostPartFn post = [&](const PostPart& part, PartContext& ctx) -> Task<Result<Json>> {
    // Bucket empty: wait for the reset if it is short, else hand back with the reset time.
    if (rate && rate->remaining.has_value() && *rate->remaining == 0 &&
        rate->reset_after.has_value()) {
      if (*rate->reset_after > options_.max_bucket_wait) {
        Error e = base::ResourceExhausted(
            "Discord's rate limit for this webhook is used up; the rest of the thread follows "
            "when it resets");
        e.set_retry_after(*rate->reset_after);
        co_return e;
      }
      asio::steady_timer timer(co_await asio::this_coro::executor, *rate->reset_after);
      co_await timer.async_wait(base::kNoThrow);
    }
    HERALD_CO_ASSIGN_OR_RETURN(Reply reply, co_await ExecutePart(hook, part));
    HERALD_CO_ASSIGN_OR_RETURN(Message message, ParseMessage(reply.body));
    rate = reply.rate;
    if (!message.channel_id.empty()) channel_id = message.channel_id;
    (*ctx.state)["channel_id"] = channel_id;
    co_return Json(message.id);
  };
  HERALD_CO_ASSIGN_OR_RETURN(Json state,
                             co_await Threads().Publish(request, std::move(initial), post));
  const std::vector<std::string> ids = MessageIds(state);
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
