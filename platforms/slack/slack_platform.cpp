#include "platforms/slack/slack_platform.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <utility>

#include "platforms/http/form_urlencoded.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/thread_publisher.h"

namespace herald::platforms::slack {
namespace {

using base::Error;
using base::ErrorCode;
namespace asio = base::asio;

constexpr int64_t kClockSkewSeconds = 600;

// remote_state {"channel", "parts": [{"ts", "files"?}, ...], "pending"?}: a part is recorded
// once it has a ts.
const ThreadPublisher& Threads() {
  static const ThreadPublisher* threads = new ThreadPublisher(
      "Slack", {.key = "parts", .usable = [](const Json& p) {
                  return p.is_object() && !base::GetString(p, "ts").empty();
                }});
  return *threads;
}

// The recorded parts of `state` (each with a ts), at most `limit` of them.
Json DoneParts(const Json& state, size_t limit) { return Threads().DoneEntries(state, limit); }

std::vector<std::string> FilesOf(const Json& obj) {
  std::vector<std::string> out;
  if (obj.is_object() && obj.contains("files") && obj["files"].is_array()) {
    for (const Json& f : obj["files"]) {
      if (f.is_string()) out.push_back(f.get<std::string>());
    }
  }
  return out;
}

std::optional<int64_t> PendingPart(const Json& state) {
  if (!state.is_object() || !state.contains("pending") || !state["pending"].is_object()) {
    return std::nullopt;
  }
  const Json& p = state["pending"];
  if (!p.contains("part") || !p["part"].is_number_integer()) return std::nullopt;
  return p["part"].get<int64_t>();
}

Task<void> Sleep(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(base::kNoThrow);
}

}  // namespace

SlackPlatform::SlackPlatform(HttpClient* http, const base::Clock* clock, Options options)
    : http_(http), clock_(clock), options_(std::move(options)) {
  options_.base_url = TrimSlash(options_.base_url);
}

const PlatformInfo& SlackPlatform::Info() const { return slack::Info(); }

ValidationReport SlackPlatform::Validate(const Content& content) const {
  return slack::Validate(content);
}

int64_t SlackPlatform::NowSeconds() const {
  const base::Time now = clock_ != nullptr ? clock_->Now() : base::SystemClock::Instance().Now();
  return base::ToUnixMicros(now) / 1'000'000;
}

Result<SlackPlatform::Ctx> SlackPlatform::CtxOf(const AccountContext& account) {
  Ctx ctx;
  ctx.token = base::GetString(account.credentials, "bot_token");
  if (ctx.token.empty()) {
    return base::Unauthenticated("the Slack account has no bot token; reconnect it");
  }
  ctx.channel = base::GetString(account.settings, "channel_id");
  if (ctx.channel.empty()) {
    return base::FailedPrecondition("the Slack account has no channel; reconnect it");
  }
  const std::string name = base::GetString(account.settings, "channel_name");
  ctx.channel_label = name.empty() ? ctx.channel : "#" + name;
  ctx.bot_id = base::GetString(account.settings, "bot_id");
  ctx.bot_user_id = base::GetString(account.settings, "bot_user_id");
  ctx.team_url = base::GetString(account.settings, "team_url");
  return ctx;
}

Task<Result<Json>> SlackPlatform::Exchange(Ctx ctx, HttpRequest request, CallKind kind) {
  auto response = co_await http_->Send(std::move(request));
  if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), kind, ctx.token);
  auto parsed = ParseResponse(response->status, response->headers, response->body, kind);
  if (!parsed.ok()) {
    const Error& e = parsed.error();
    // Re-map with the channel name so the message says which channel to fix.
    if (e.code() == ErrorCode::kFailedPrecondition || e.code() == ErrorCode::kNotFound ||
        e.code() == ErrorCode::kPermissionDenied) {
      auto body = base::ParseJson(response->body);
      if (body.ok() && body->is_object() && body->contains("error")) {
        Error again = MapError(base::GetString(*body, "error"), *body, kind, "", ctx.channel_label);
        again.set_detail(Redact(e.detail(), ctx.token));
        co_return again;
      }
    }
    Error copy = e;
    copy.set_detail(Redact(e.detail(), ctx.token));
    co_return copy;
  }
  co_return std::move(parsed).value();
}

Task<Result<Json>> SlackPlatform::CallForm(Ctx ctx, std::string method, Fields fields,
                                           CallKind kind) {
  HttpRequest request;
  request.method = "POST";
  request.url = options_.base_url + "/" + method;
  request.headers = {{"Authorization", "Bearer " + ctx.token},
                     {"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = http::FormUrlEncode(fields);
  request.total_timeout = options_.timeout;
  co_return co_await Exchange(std::move(ctx), std::move(request), kind);
}

Task<Result<Json>> SlackPlatform::CallJson(Ctx ctx, std::string method, Json body, CallKind kind) {
  HttpRequest request;
  request.method = "POST";
  request.url = options_.base_url + "/" + method;
  request.headers = {{"Authorization", "Bearer " + ctx.token},
                     {"Content-Type", "application/json; charset=utf-8"},
                     {"Accept", "application/json"}};
  request.body = base::DumpJson(body);
  request.total_timeout = options_.timeout;
  co_return co_await Exchange(std::move(ctx), std::move(request), kind);
}

Task<Result<ConnectedAccount>> SlackPlatform::Connect(Json args) {
  if (!args.is_object()) co_return base::InvalidArgument("arguments must be an object");
  Ctx ctx;
  ctx.token = base::GetString(args, "bot_token");
  if (ctx.token.empty()) {
    co_return base::InvalidArgument(
        "bot_token is required: the app's Bot User OAuth Token (xoxb-...) from OAuth & "
        "Permissions");
  }
  if (ctx.token.rfind("xox", 0) != 0 || ctx.token.find_first_of(" \t\r\n") != std::string::npos) {
    co_return base::InvalidArgument(
        "bot_token does not look like a Slack token; expected the Bot User OAuth Token that "
        "starts with xoxb-");
  }
  if (!args.contains("channel")) {
    co_return base::InvalidArgument(
        "channel is required: the channel id (C0123ABCDEF) or name (#general)");
  }
  HERALD_CO_ASSIGN_OR_RETURN(auto channel_arg, ParseChannelArg(args["channel"]));

  HERALD_CO_ASSIGN_OR_RETURN(Json auth_json,
                             co_await CallForm(ctx, "auth.test", {}, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(AuthInfo auth, ParseAuthTest(auth_json));

  std::string channel_id;
  if (channel_arg.first) {
    channel_id = channel_arg.second;
  } else {
    std::string cursor;
    for (int page = 0; page < 20 && channel_id.empty(); ++page) {
      Fields fields = {{"types", "public_channel,private_channel"},
                       {"exclude_archived", "true"},
                       {"limit", "200"}};
      if (!cursor.empty()) fields.emplace_back("cursor", cursor);
      HERALD_CO_ASSIGN_OR_RETURN(
          Json list, co_await CallForm(ctx, "conversations.list", fields, CallKind::kRead));
      if (list.contains("channels") && list["channels"].is_array()) {
        for (const Json& c : list["channels"]) {
          if (base::GetString(c, "name") == channel_arg.second) {
            channel_id = base::GetString(c, "id");
            break;
          }
        }
      }
      cursor = list.contains("response_metadata")
                   ? base::GetString(list["response_metadata"], "next_cursor")
                   : "";
      if (cursor.empty()) break;
    }
    if (channel_id.empty()) {
      co_return base::NotFound("Slack has no channel named #" + channel_arg.second +
                               " that the bot can see; check the name, or for a private "
                               "channel invite the bot first");
    }
  }
  ctx.channel = channel_id;
  ctx.channel_label = channel_arg.first ? channel_id : "#" + channel_arg.second;
  Fields info_fields = {{"channel", channel_id}, {"include_num_members", "true"}};
  HERALD_CO_ASSIGN_OR_RETURN(
      Json info, co_await CallForm(ctx, "conversations.info", info_fields, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(ChannelInfo channel,
                             ParseChannel(info.contains("channel") ? info["channel"] : Json()));
  const std::string label = "#" + (channel.name.empty() ? channel.id : channel.name);
  if (channel.is_archived) {
    co_return base::FailedPrecondition(label +
                                       " is archived; unarchive it or choose another channel");
  }
  if (!channel.is_member) {
    co_return base::FailedPrecondition("the bot is not a member of " + label +
                                       "; invite it (type /invite @" +
                                       (auth.user.empty() ? std::string("your-bot") : auth.user) +
                                       " in " + label + ") and connect again");
  }

  ConnectedAccount account;
  account.external_id = auth.team_id + "/" + channel.id;
  account.handle = label;
  account.display_name = (auth.team.empty() ? "" : auth.team + " ") + label;
  account.settings = Json{{"channel_id", channel.id},
                          {"channel_name", channel.name},
                          {"is_private", channel.is_private},
                          {"team_id", auth.team_id},
                          {"team", auth.team},
                          {"team_url", auth.url},
                          {"bot_id", auth.bot_id},
                          {"bot_user_id", auth.user_id}};
  account.credentials = Json{{"bot_token", ctx.token}};
  co_return account;
}

Task<Result<std::optional<std::string>>> SlackPlatform::FindMarker(
    Ctx ctx, std::string key, size_t part, std::optional<std::string> parent_ts,
    std::optional<int64_t> oldest) {
  const std::string method =
      parent_ts.has_value() ? "conversations.replies" : "conversations.history";
  std::string cursor;
  for (int page = 0; page < options_.max_history_pages; ++page) {
    Fields fields = {{"channel", ctx.channel},
                     {"include_all_metadata", "true"},
                     {"limit", std::to_string(options_.history_page_size)}};
    if (parent_ts.has_value()) fields.emplace_back("ts", *parent_ts);
    if (oldest.has_value()) fields.emplace_back("oldest", std::to_string(*oldest));
    if (!cursor.empty()) fields.emplace_back("cursor", cursor);
    HERALD_CO_ASSIGN_OR_RETURN(Json page_json,
                               co_await CallForm(ctx, method, fields, CallKind::kRead));
    if (page_json.contains("messages") && page_json["messages"].is_array()) {
      for (const Json& m : page_json["messages"]) {
        if (HasMarker(m, key, part, ctx.bot_id, ctx.bot_user_id)) {
          std::string ts = base::GetString(m, "ts");
          if (!ts.empty()) co_return std::optional<std::string>(ts);
        }
      }
    }
    const bool has_more = page_json.contains("has_more") && page_json["has_more"].is_boolean() &&
                          page_json["has_more"].get<bool>();
    cursor = page_json.contains("response_metadata")
                 ? base::GetString(page_json["response_metadata"], "next_cursor")
                 : "";
    if (!has_more || cursor.empty()) co_return std::optional<std::string>();
  }
  co_return base::Unknown("could not tell whether Slack has the message: more than " +
                          std::to_string(options_.max_history_pages * options_.history_page_size) +
                          " messages would have to be read in " + ctx.channel_label);
}

Task<Result<std::optional<std::string>>> SlackPlatform::ShareTsOf(
    Ctx ctx, std::string file_id, std::optional<std::string> parent_ts) {
  Fields fields = {{"file", file_id}};
  HERALD_CO_ASSIGN_OR_RETURN(Json info,
                             co_await CallForm(ctx, "files.info", fields, CallKind::kRead));
  co_return ShareTs(info.contains("file") ? info["file"] : Json(), ctx.channel, parent_ts);
}

Task<Result<std::optional<std::string>>> SlackPlatform::PollShareTs(
    Ctx ctx, std::string file_id, std::optional<std::string> parent_ts) {
  for (size_t attempt = 0;; ++attempt) {
    HERALD_CO_ASSIGN_OR_RETURN(std::optional<std::string> ts,
                               co_await ShareTsOf(ctx, file_id, parent_ts));
    if (ts.has_value() || attempt >= options_.share_poll_delays.size()) co_return ts;
    co_await Sleep(options_.share_poll_delays[attempt]);
  }
}

Task<Result<std::optional<Json>>> SlackPlatform::LookupPart(Ctx ctx, std::string key, size_t part,
                                                            std::optional<std::string> parent_ts,
                                                            Json pending) {
  const std::vector<std::string> files = FilesOf(pending);
  if (files.empty()) {
    std::optional<int64_t> oldest;
    if (pending.contains("at") && pending["at"].is_number_integer()) {
      // Tolerates up to 10 minutes of skew between herald's clock and Slack's.
      oldest = pending["at"].get<int64_t>() - kClockSkewSeconds;
    }
    HERALD_CO_ASSIGN_OR_RETURN(std::optional<std::string> ts,
                               co_await FindMarker(ctx, key, part, parent_ts, oldest));
    if (!ts.has_value()) co_return std::optional<Json>();
    co_return std::optional<Json>(Json{{"ts", *ts}});
  }
  const bool completed = base::GetString(pending, "stage") == "completed";
  auto ts = co_await ShareTsOf(ctx, files.front(), parent_ts);
  if (ts.ok() && ts->has_value()) {
    co_return std::optional<Json>(Json{{"ts", **ts}, {"files", files}});
  }
  if (!ts.ok() && ts.error().code() != ErrorCode::kNotFound) co_return ts.error();
  const bool file_missing = !ts.ok();  // Slack does not know the file
  if (completed) {
    if (file_missing) {
      co_return base::FailedPrecondition(
          "the images were shared to Slack and have since been deleted there; herald does not "
          "post them again");
    }
    co_return base::Unavailable(
        "Slack has not yet reported the message that shares the uploaded images; herald will "
        "look again");
  }
  const int64_t at = pending.contains("at") && pending["at"].is_number_integer()
                         ? pending["at"].get<int64_t>()
                         : 0;
  if (!file_missing && NowSeconds() - at < options_.settle_window.count()) {
    co_return base::Unavailable(
        "cannot tell yet whether Slack shared the uploaded images (Slack shares files "
        "asynchronously); herald will look again");
  }
  co_return std::optional<Json>();
}

Task<Result<SlackPlatform::Fields>> SlackPlatform::UploadFiles(Ctx ctx,
                                                               std::vector<MediaItem> media) {
  Fields out;
  for (size_t i = 0; i < media.size(); ++i) {
    const MediaItem& item = media[i];
    HERALD_CO_ASSIGN_OR_RETURN(Json ticket_json,
                               co_await CallForm(ctx, "files.getUploadURLExternal",
                                                 UploadUrlParams(item, i), CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(UploadTicket ticket, ParseUploadTicket(ticket_json));
    HttpRequest upload;
    upload.method = "POST";
    upload.url = ticket.upload_url;  // pre-signed: the token is not sent there
    upload.headers = {{"Content-Type", "application/octet-stream"}};
    upload.body = item.data;
    upload.total_timeout = options_.upload_timeout;
    auto response = co_await http_->Send(std::move(upload));
    if (!response.ok()) {
      // Nothing is visible before completeUploadExternal: every failure here is retryable.
      co_return Errors().FromTransport(std::move(response).error(), CallKind::kRead, ctx.token);
    }
    if (response->status != 200) {
      const std::string detail =
          "HTTP " + std::to_string(response->status) + ": " + response->body.substr(0, 500);
      if (response->status >= 500 || response->status == 429) {
        co_return base::Unavailable("Slack's file upload failed; try again", detail);
      }
      co_return base::InvalidArgument("Slack refused the file " + UploadFileName(item, i) +
                                      " (HTTP " + std::to_string(response->status) + ")");
    }
    out.emplace_back(ticket.file_id, UploadFileName(item, i));
  }
  co_return out;
}

Task<Result<PublishReceipt>> SlackPlatform::Publish(PublishRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(Ctx ctx, CtxOf(request.account));
  const auto& parts = request.content.parts;
  const size_t n = parts.size();
  if (n == 0) co_return base::InvalidArgument("the post has no content");
  if (request.idempotency_key.empty()) {
    co_return base::Internal("Slack publish without an idempotency key");
  }

  Json initial = request.remote_state.is_object() ? request.remote_state : Json::object();
  initial["channel"] = ctx.channel;
  const std::string key = request.idempotency_key;
  PostPartFn post = [&](const PostPart& part, PartContext& at) -> Task<Result<Json>> {
    const size_t i = at.index;
    Json& state = *at.state;
    std::optional<std::string> parent;
    if (i > 0) parent = base::GetString(at.done->front(), "ts");

    // An earlier attempt may have sent this part: look before sending again.
    if (PendingPart(state) == static_cast<int64_t>(i)) {
      HERALD_CO_ASSIGN_OR_RETURN(std::optional<Json> found,
                                 co_await LookupPart(ctx, key, i, parent, state["pending"]));
      if (found.has_value()) {
        state.erase("pending");
        co_return *found;
      }
    }

    if (part.media.empty()) {
      state["pending"] = Json{{"part", static_cast<int64_t>(i)}, {"at", NowSeconds()}};
      HERALD_CO_RETURN_IF_ERROR(at.Save());
      Json body = PostMessageBody(ctx.channel, part.text, parent, key, i);
      HERALD_CO_ASSIGN_OR_RETURN(Json posted,
                                 co_await CallJson(ctx, "chat.postMessage", body, CallKind::kWrite));
      const std::string ts = base::GetString(posted, "ts");
      if (ts.empty()) co_return base::Unknown("Slack's answer has no ts; the message may have been posted");
      state.erase("pending");
      co_return Json{{"ts", ts}};
    }
    HERALD_CO_ASSIGN_OR_RETURN(Fields uploaded, co_await UploadFiles(ctx, part.media));
    Json file_ids = Json::array();
    for (const auto& [id, title] : uploaded) file_ids.push_back(id);
    state["pending"] = Json{{"part", static_cast<int64_t>(i)},
                            {"at", NowSeconds()},
                            {"files", file_ids},
                            {"stage", "uploaded"}};
    HERALD_CO_RETURN_IF_ERROR(at.Save());
    Json body = CompleteUploadBody(uploaded, ctx.channel, part.text, parent);
    HERALD_CO_RETURN_IF_ERROR(
        co_await CallJson(ctx, "files.completeUploadExternal", body, CallKind::kWrite));
    state["pending"]["stage"] = "completed";
    auto saved = at.Save();
    if (!saved.ok()) {
      co_return base::Unknown("the images were shared on Slack but herald could not record it",
                              saved.error().ToString());
    }
    HERALD_CO_ASSIGN_OR_RETURN(std::optional<std::string> ts,
                               co_await PollShareTs(ctx, file_ids[0].get<std::string>(), parent));
    if (!ts.has_value()) {
      co_return base::Unavailable(
          "the images were shared on Slack, but Slack has not yet reported the message; herald "
          "will look again");
    }
    state.erase("pending");
    co_return Json{{"ts", *ts}, {"files", file_ids}};
  };
  HERALD_CO_ASSIGN_OR_RETURN(Json state,
                             co_await Threads().Publish(request, std::move(initial), post));
  const Json& done = state["parts"];
  const std::string first_ts = base::GetString(done[0], "ts");
  PublishReceipt receipt;
  receipt.external_id = first_ts;
  receipt.url = Permalink(ctx.team_url, ctx.channel, first_ts);
  receipt.remote_state = Json{{"channel", ctx.channel}, {"parts", done}};
  co_return receipt;
}

Task<Result<std::optional<PublishReceipt>>> SlackPlatform::Find(PublishRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(Ctx ctx, CtxOf(request.account));
  const auto& parts = request.content.parts;
  const size_t n = parts.size();
  if (n == 0) co_return base::InvalidArgument("the post has no content");

  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  Json done = DoneParts(state, n);
  const size_t recorded = done.size();
  const std::optional<int64_t> pending_part = PendingPart(state);

  for (size_t i = done.size(); i < n; ++i) {
    std::optional<std::string> parent;
    if (i > 0) parent = base::GetString(done[0], "ts");
    std::optional<Json> found;
    if (pending_part == static_cast<int64_t>(i)) {
      HERALD_CO_ASSIGN_OR_RETURN(
          found, co_await LookupPart(ctx, request.idempotency_key, i, parent, state["pending"]));
    } else if (parts[i].media.empty()) {
      HERALD_CO_ASSIGN_OR_RETURN(
          std::optional<std::string> ts,
          co_await FindMarker(ctx, request.idempotency_key, i, parent, std::nullopt));
      if (ts.has_value()) found = Json{{"ts", *ts}};
    }
    // A file part without a pending record never reached completeUploadExternal.
    if (!found.has_value()) break;
    done.push_back(*found);
  }

  state["channel"] = ctx.channel;
  state["parts"] = done;
  if (pending_part.has_value() && *pending_part < static_cast<int64_t>(done.size())) {
    state.erase("pending");
  }
  if (done.size() > recorded && request.save_remote_state) {
    HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));
  }
  if (done.size() < n) co_return std::optional<PublishReceipt>();

  const std::string first_ts = base::GetString(done[0], "ts");
  PublishReceipt receipt;
  receipt.external_id = first_ts;
  receipt.url = Permalink(ctx.team_url, ctx.channel, first_ts);
  receipt.remote_state = Json{{"channel", ctx.channel}, {"parts", done}};
  co_return std::optional<PublishReceipt>(std::move(receipt));
}

Task<Result<void>> SlackPlatform::Delete(AccountContext account, PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(Ctx ctx, CtxOf(account));
  const std::string channel = base::GetString(receipt.remote_state, "channel", ctx.channel);
  ctx.channel = channel;
  Json parts = DoneParts(receipt.remote_state, 1000);
  if (parts.empty() && !receipt.external_id.empty()) {
    parts.push_back(Json{{"ts", receipt.external_id}});
  }
  if (parts.empty()) co_return base::InvalidArgument("the receipt has no Slack message ts");
  for (size_t k = parts.size(); k-- > 0;) {
    Json body = {{"channel", channel}, {"ts", base::GetString(parts[k], "ts")}};
    auto deleted = co_await CallJson(ctx, "chat.delete", body, CallKind::kDelete);
    if (!deleted.ok() && deleted.error().code() != ErrorCode::kNotFound) co_return deleted.error();
    for (const std::string& file : FilesOf(parts[k])) {
      Json file_body = {{"file", file}};
      auto gone = co_await CallJson(ctx, "files.delete", file_body, CallKind::kDelete);
      if (!gone.ok() && gone.error().code() != ErrorCode::kNotFound) co_return gone.error();
    }
  }
  co_return base::Ok();
}

Task<Result<Json>> SlackPlatform::FetchPostMetrics(AccountContext account, PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(Ctx ctx, CtxOf(account));
  ctx.channel = base::GetString(receipt.remote_state, "channel", ctx.channel);
  if (receipt.external_id.empty()) {
    co_return base::InvalidArgument("the receipt has no Slack message ts");
  }
  Fields reaction_fields = {
      {"channel", ctx.channel}, {"timestamp", receipt.external_id}, {"full", "true"}};
  HERALD_CO_ASSIGN_OR_RETURN(
      Json reactions, co_await CallForm(ctx, "reactions.get", reaction_fields, CallKind::kRead));
  Json metrics = ReactionMetrics(reactions.contains("message") ? reactions["message"] : Json());

  Fields reply_fields = {{"channel", ctx.channel}, {"ts", receipt.external_id}, {"limit", "1"}};
  HERALD_CO_ASSIGN_OR_RETURN(
      Json replies, co_await CallForm(ctx, "conversations.replies", reply_fields, CallKind::kRead));
  int64_t reply_count = 0;
  if (replies.contains("messages") && replies["messages"].is_array() &&
      !replies["messages"].empty()) {
    const Json& parent = replies["messages"][0];
    if (parent.contains("reply_count") && parent["reply_count"].is_number_integer()) {
      reply_count = parent["reply_count"].get<int64_t>();
    }
  }
  const int64_t own =
      std::max<int64_t>(0, static_cast<int64_t>(DoneParts(receipt.remote_state, 1000).size()) - 1);
  metrics["replies"] = std::max<int64_t>(0, reply_count - own);
  co_return metrics;
}

Task<Result<Json>> SlackPlatform::FetchAccountMetrics(AccountContext account) {
  HERALD_CO_ASSIGN_OR_RETURN(Ctx ctx, CtxOf(account));
  Fields fields = {{"channel", ctx.channel}, {"include_num_members", "true"}};
  HERALD_CO_ASSIGN_OR_RETURN(Json info,
                             co_await CallForm(ctx, "conversations.info", fields, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(ChannelInfo channel,
                             ParseChannel(info.contains("channel") ? info["channel"] : Json()));
  if (!channel.num_members.has_value()) {
    co_return base::Unavailable("Slack did not report the channel's member count");
  }
  co_return Json{{"followers", *channel.num_members}};
}

std::unique_ptr<Platform> MakeSlackPlatform(HttpClient* http, const base::Clock* clock,
                                            const BaseUrlOverrides& base_urls) {
  SlackPlatform::Options options;
  if (auto it = base_urls.find("slack"); it != base_urls.end() && !it->second.empty()) {
    options.base_url = it->second;
  }
  return std::make_unique<SlackPlatform>(http, clock, std::move(options));
}

}  // namespace herald::platforms::slack
