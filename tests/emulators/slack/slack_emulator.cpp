#include "tests/emulators/slack/slack_emulator.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/crypto.h"
#include "http/router.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/multipart.h"

namespace herald::emulators {
namespace {

constexpr const char* kTeamName = "Acme Corp";
constexpr const char* kTeamUrl = "https://acme-corp.slack.com/";
constexpr int kMaxTextChars = 40'000;
constexpr int kMaxAltText = 1000;
constexpr size_t kMaxMessages = 100'000;
constexpr size_t kMaxFiles = 10'000;

http::Response Answer(const Json& body) { return http::Response::Json(200, base::DumpJson(body)); }

http::Response Ok(Json body = Json::object()) {
  body["ok"] = true;
  return Answer(body);
}

http::Response Err(const std::string& error, Json extra = Json::object()) {
  extra["ok"] = false;
  extra["error"] = error;
  return Answer(extra);
}

http::Response Missing(const std::string& field) {
  return Err("invalid_arguments",
             Json{{"response_metadata",
                   {{"messages", Json::array({"[ERROR] missing required field: " + field})}}}});
}

// The scope a method needs ("" = none).
std::string ScopeOf(const std::string& method, bool private_channel) {
  if (method == "chat.postMessage" || method == "chat.delete") return "chat:write";
  if (method == "conversations.info" || method == "conversations.list") {
    return private_channel ? "groups:read" : "channels:read";
  }
  if (method == "conversations.history" || method == "conversations.replies") {
    return private_channel ? "groups:history" : "channels:history";
  }
  if (method == "files.getUploadURLExternal" || method == "files.completeUploadExternal" ||
      method == "files.delete") {
    return "files:write";
  }
  if (method == "files.info") return "files:read";
  if (method == "reactions.get") return "reactions:read";
  return "";
}

bool AcceptsJson(const std::string& method) {
  return method == "chat.postMessage" || method == "chat.delete" ||
         method == "files.completeUploadExternal" || method == "files.delete";
}

std::string Base64Cursor(const std::string& raw) { return base::Base64UrlEncode(raw); }

std::string FromCursor(const std::string& cursor) {
  auto raw = base::Base64UrlDecode(cursor);
  return raw.ok() ? *raw : "";
}

// Compares two ts strings numerically ("1767225600.000200").
bool TsLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string MimeFromName(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".png")) return "image/png";
  if (ends(".jpg") || ends(".jpeg")) return "image/jpeg";
  if (ends(".gif")) return "image/gif";
  if (ends(".webp")) return "image/webp";
  return "application/octet-stream";
}

std::string TruncateCodePoints(const std::string& text, int limit) {
  int count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == limit) return text.substr(0, i);
      ++count;
    }
  }
  return text;
}

}  // namespace

std::string SlackEmulator::Call::Str(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) return "";
  if (it->second.is_string()) return it->second.get<std::string>();
  if (it->second.is_number_integer()) return std::to_string(it->second.get<int64_t>());
  if (it->second.is_boolean()) return it->second.get<bool>() ? "true" : "false";
  return "";
}

bool SlackEmulator::Call::Bool(const std::string& name) const {
  const std::string v = Str(name);
  return v == "true" || v == "1";
}

std::optional<int64_t> SlackEmulator::Call::Int(const std::string& name) const {
  const std::string v = Str(name);
  if (v.empty() ||
      !std::all_of(v.begin(), v.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) ||
      v.size() > 12) {
    return std::nullopt;
  }
  return std::stoll(v);
}

SlackEmulator::SlackEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json SlackEmulator::DefaultConfig() const {
  return Json{{"method_rate_limit", 100}, {"channel_post_limit", 60}, {"share_delay_polls", 0}};
}

void SlackEmulator::Reset() {
  tokens_.Clear();
  std::lock_guard lock(mu_);
  bots_.clear();
  channels_.clear();
  messages_.clear();
  files_.clear();
  tickets_.clear();
  last_ts_micros_ = 0;
  next_file_ = 1;
  next_bot_ = 1;
  Bot seed{kBotUserId,
           kBotId,
           "herald",
           {"chat:write", "channels:read", "groups:read", "channels:history", "groups:history",
            "files:write", "files:read", "reactions:read"}};
  bots_[seed.user_id] = seed;
  (void)tokens_.Issue(seed.user_id, kSeedToken);
  channels_[kChannelId] = Channel{kChannelId, "announcements", false, false, 212, {kBotUserId}};
  channels_[kRandomId] = Channel{kRandomId, "random", false, false, 230, {}};
  channels_[kPrivateId] = Channel{kPrivateId, "secret-plans", true, false, 5, {}};
  channels_[kArchivedId] = Channel{kArchivedId, "old-news", false, true, 80, {kBotUserId}};
}

void SlackEmulator::AddRoutes(ApiRoutes& routes) {
  auto api = [this](http::Request req) -> base::Task<http::Response> { co_return HandleApi(req); };
  routes.Add("GET", "/api/{method}", api);
  routes.Add("POST", "/api/{method}", api);
  routes.Add(
      "POST", "/upload/v1/{ticket}",
      [this](http::Request req) -> base::Task<http::Response> { co_return HandleUpload(req); },
      256u << 20);
}

std::optional<http::Response> SlackEmulator::Throttle(const std::string& key, int64_t limit) {
  if (limit <= 0) return std::nullopt;
  RateStatus s = ctx_.rate_limiter().Consume(key, 1, static_cast<int>(limit),
                                             std::chrono::minutes(1), ctx_.Now());
  if (!s.exceeded) return std::nullopt;
  // Round up: a client that waits the advertised time must find the window over.
  const int64_t micros = base::ToUnixMicros(s.reset_at) - base::ToUnixMicros(ctx_.Now());
  const int64_t wait = std::max<int64_t>(1, (micros + 999'999) / 1'000'000);
  http::Response r = http::Response::Json(429, R"({"ok":false,"error":"ratelimited"})");
  r.headers.Set("Retry-After", std::to_string(wait));
  return r;
}

http::Response SlackEmulator::HandleApi(const http::Request& req) {
  const std::string method(req.PathParam("method"));
  Call call;
  for (const auto& [k, v] : req.query_params) call.params[k] = v;
  const std::string content_type(req.Header("Content-Type"));
  if (content_type.rfind("application/json", 0) == 0) {
    if (AcceptsJson(method)) {
      auto body = base::ParseJson(req.body);
      if (!body.ok() || !body->is_object()) return Err("invalid_json");
      for (const auto& [k, v] : body->items()) call.params[k] = v;
    }
  } else if (!MultipartBoundary(content_type).empty()) {
    auto parts = ParseMultipart(req.body, content_type);
    if (!parts.ok()) return Err("invalid_form_data");
    for (const MultipartPart& p : *parts) call.params[p.name] = p.data;
  } else if (!req.body.empty()) {
    for (const auto& [k, v] : http::ParseQuery(req.body)) call.params[k] = v;
  }

  std::string token = BearerToken(req.Header("Authorization"));
  if (token.empty()) token = call.Str("token");
  if (token.empty()) return Err("not_authed");
  auto info = tokens_.Find(token);
  if (!info) return Err("invalid_auth");
  if (info->revoked) return Err("token_revoked");
  if (info->extra.value("expired", false)) return Err("token_expired");
  Bot bot;
  {
    std::lock_guard lock(mu_);
    auto it = bots_.find(info->account);
    if (it == bots_.end()) return Err("account_inactive");
    bot = it->second;
  }
  if (auto limited =
          Throttle("method:" + method + ":" + token, ctx_.ConfigInt("method_rate_limit", 100))) {
    return *limited;
  }
  bool private_channel = false;
  {
    std::lock_guard lock(mu_);
    auto ch = channels_.find(
        call.Str(method == "files.completeUploadExternal" ? "channel_id" : "channel"));
    private_channel = ch != channels_.end() && ch->second.is_private;
  }
  const std::string scope = ScopeOf(method, private_channel);
  if (!scope.empty() && !bot.scopes.count(scope)) {
    std::string provided;
    for (const auto& s : bot.scopes) provided += (provided.empty() ? "" : ",") + s;
    return Err("missing_scope", Json{{"needed", scope}, {"provided", provided}});
  }
  return Dispatch(method, bot, call, req);
}

http::Response SlackEmulator::Dispatch(const std::string& method, const Bot& bot, const Call& call,
                                       const http::Request& req) {
  if (method == "auth.test") return AuthTest(bot);
  if (method == "conversations.info") return ConversationsInfo(bot, call);
  if (method == "conversations.list") return ConversationsList(bot, call);
  if (method == "conversations.history") return ConversationsHistory(bot, call);
  if (method == "conversations.replies") return ConversationsReplies(bot, call);
  if (method == "chat.postMessage") return PostMessage(bot, call);
  if (method == "chat.delete") return DeleteMessage(bot, call);
  if (method == "files.getUploadURLExternal") return GetUploadUrl(bot, call, req);
  if (method == "files.completeUploadExternal") return CompleteUpload(bot, call);
  if (method == "files.info") return FileInfo(bot, call);
  if (method == "files.delete") return FileDelete(bot, call);
  if (method == "reactions.get") return ReactionsGet(bot, call);
  if (method == "files.upload") return Err("method_deprecated");  // retired 2025-11-12
  return Err("unknown_method");
}

std::string SlackEmulator::NextTsLocked() {
  int64_t now = base::ToUnixMicros(ctx_.Now());
  if (now <= last_ts_micros_) now = last_ts_micros_ + 1;
  last_ts_micros_ = now;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%lld.%06lld", static_cast<long long>(now / 1'000'000),
                static_cast<long long>(now % 1'000'000));
  return buf;
}

std::string SlackEmulator::Permalink(const std::string& channel, const std::string& ts) const {
  std::string compact;
  for (char c : ts) {
    if (c != '.') compact += c;
  }
  return std::string(kTeamUrl) + "archives/" + channel + "/p" + compact;
}

Json SlackEmulator::ChannelJson(const Channel& c, const Bot& bot, bool with_members) const {
  Json j = {{"id", c.id},
            {"name", c.name},
            {"name_normalized", c.name},
            {"is_channel", !c.is_private},
            {"is_group", c.is_private},
            {"is_im", false},
            {"is_mpim", false},
            {"is_private", c.is_private},
            {"is_archived", c.is_archived},
            {"is_general", c.name == "general"},
            {"is_shared", false},
            {"is_org_shared", false},
            {"is_member", c.members.count(bot.user_id) > 0},
            {"context_team_id", kTeamId},
            {"topic", {{"value", ""}, {"creator", ""}, {"last_set", 0}}},
            {"purpose", {{"value", ""}, {"creator", ""}, {"last_set", 0}}}};
  if (with_members) j["num_members"] = c.num_members;
  return j;
}

Json SlackEmulator::MessageJson(const Message& m, bool with_metadata) const {
  Json j = {
      {"type", "message"}, {"user", m.user}, {"text", m.text}, {"ts", m.ts}, {"team", kTeamId}};
  if (!m.bot_id.empty()) {
    j["bot_id"] = m.bot_id;
    j["app_id"] = "A0999HERALD";
    j["bot_profile"] = Json{{"id", m.bot_id},
                            {"app_id", "A0999HERALD"},
                            {"name", "herald"},
                            {"deleted", false},
                            {"team_id", kTeamId}};
  }
  if (!m.thread_ts.empty()) j["thread_ts"] = m.thread_ts;
  int64_t replies = 0;
  std::string latest;
  std::set<std::string> users;
  for (const auto& [ts, other] : messages_) {
    if (other.deleted || other.thread_ts != m.ts || other.ts == m.ts) continue;
    ++replies;
    latest = ts;
    users.insert(other.user);
  }
  if (replies > 0) {
    j["thread_ts"] = m.ts;
    j["reply_count"] = replies;
    j["reply_users_count"] = users.size();
    j["reply_users"] = Json(std::vector<std::string>(users.begin(), users.end()));
    j["latest_reply"] = latest;
  }
  if (!m.files.empty()) {
    Json files = Json::array();
    for (const std::string& id : m.files) {
      auto it = files_.find(id);
      if (it != files_.end()) files.push_back(FileJson(it->second, false));
    }
    j["files"] = files;
    j["upload"] = true;
  }
  if (with_metadata && !m.metadata.is_null()) j["metadata"] = m.metadata;
  return j;
}

Json SlackEmulator::FileJson(const File& f, bool with_shares) const {
  Json shares = Json::object();
  Json channels = Json::array();
  Json groups = Json::array();
  if (with_shares) {
    for (const Share& s : f.shares) {
      auto ch = channels_.find(s.channel);
      const bool is_private = ch != channels_.end() && ch->second.is_private;
      Json entry = {{"reply_users", Json::array()},
                    {"reply_users_count", 0},
                    {"reply_count", 0},
                    {"ts", s.ts},
                    {"channel_name", ch != channels_.end() ? ch->second.name : ""},
                    {"team_id", kTeamId},
                    {"share_user_id", f.owner},
                    {"source", "UNKNOWN"},
                    {"is_silent_share", false}};
      if (!s.thread_ts.empty()) entry["thread_ts"] = s.thread_ts;
      shares[is_private ? "private" : "public"][s.channel].push_back(entry);
      (is_private ? groups : channels).push_back(s.channel);
    }
  }
  return Json{{"id", f.id},
              {"created", base::ToUnixMicros(f.created) / 1'000'000},
              {"timestamp", base::ToUnixMicros(f.created) / 1'000'000},
              {"name", f.name},
              {"title", f.title.empty() ? f.name : f.title},
              {"mimetype", with_shares ? f.mime : ""},
              {"filetype", ""},
              {"user", f.owner},
              {"user_team", kTeamId},
              {"size", f.size},
              {"mode", "hosted"},
              {"is_external", false},
              {"is_public", !channels.empty()},
              {"url_private", "https://files.slack.com/files-pri/" + std::string(kTeamId) + "-" +
                                  f.id + "/" + f.name},
              {"alt_txt", f.alt},
              {"shares", shares},
              {"channels", channels},
              {"groups", groups},
              {"ims", Json::array()},
              {"has_more_shares", false},
              {"file_access", "visible"}};
}

std::optional<http::Response> SlackEmulator::WritableLocked(const Bot& bot,
                                                            const std::string& channel_id,
                                                            Channel** out) {
  auto it = channels_.find(channel_id);
  if (it == channels_.end()) return Err("channel_not_found");
  Channel& c = it->second;
  const bool member = c.members.count(bot.user_id) > 0;
  if (c.is_private && !member) return Err("channel_not_found");
  if (c.is_archived) return Err("is_archived");
  if (!member && !bot.scopes.count("chat:write.public")) return Err("not_in_channel");
  *out = &c;
  return std::nullopt;
}

http::Response SlackEmulator::AuthTest(const Bot& bot) {
  return Ok(Json{{"url", kTeamUrl},
                 {"team", kTeamName},
                 {"user", bot.name},
                 {"team_id", kTeamId},
                 {"user_id", bot.user_id},
                 {"bot_id", bot.bot_id},
                 {"is_enterprise_install", false}});
}

http::Response SlackEmulator::ConversationsInfo(const Bot& bot, const Call& call) {
  std::lock_guard lock(mu_);
  auto it = channels_.find(call.Str("channel"));
  if (it == channels_.end()) return Err("channel_not_found");
  if (it->second.is_private && !it->second.members.count(bot.user_id)) {
    return Err("channel_not_found");
  }
  return Ok(Json{{"channel", ChannelJson(it->second, bot, call.Bool("include_num_members"))}});
}

http::Response SlackEmulator::ConversationsList(const Bot& bot, const Call& call) {
  std::string types = call.Str("types");
  if (types.empty()) types = "public_channel";
  const bool want_public = types.find("public_channel") != std::string::npos;
  const bool want_private = types.find("private_channel") != std::string::npos;
  const bool exclude_archived = call.Bool("exclude_archived");
  const int64_t limit = std::clamp<int64_t>(call.Int("limit").value_or(100), 1, 1000);
  const std::string after = FromCursor(call.Str("cursor"));
  std::lock_guard lock(mu_);
  Json list = Json::array();
  std::string next;
  for (const auto& [id, c] : channels_) {
    if (!after.empty() && id <= after) continue;
    if (c.is_private ? !want_private : !want_public) continue;
    if (c.is_private && !c.members.count(bot.user_id)) continue;
    if (exclude_archived && c.is_archived) continue;
    if (static_cast<int64_t>(list.size()) == limit) {
      next = Base64Cursor(list.back()["id"].get<std::string>());
      break;
    }
    list.push_back(ChannelJson(c, bot, false));
  }
  return Ok(Json{{"channels", list}, {"response_metadata", {{"next_cursor", next}}}});
}

http::Response SlackEmulator::ConversationsHistory(const Bot& bot, const Call& call) {
  std::lock_guard lock(mu_);
  auto ch = channels_.find(call.Str("channel"));
  if (ch == channels_.end()) return Err("channel_not_found");
  if (!ch->second.members.count(bot.user_id)) {
    return Err(ch->second.is_private ? "channel_not_found" : "not_in_channel");
  }
  const int64_t limit = std::clamp<int64_t>(call.Int("limit").value_or(100), 1, 999);
  const bool inclusive = call.Bool("inclusive");
  const std::string oldest = call.Str("oldest");
  std::string latest = call.Str("latest");
  const std::string before = FromCursor(call.Str("cursor"));  // exclusive upper bound
  const bool metadata = call.Bool("include_all_metadata");
  Json out = Json::array();
  bool has_more = false;
  for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
    const Message& m = it->second;
    if (m.channel != ch->first || m.deleted) continue;
    if (!m.thread_ts.empty() && m.thread_ts != m.ts) continue;  // thread replies
    if (!before.empty() && !TsLess(m.ts, before)) continue;
    if (!latest.empty() && (inclusive ? TsLess(latest, m.ts) : !TsLess(m.ts, latest))) continue;
    if (!oldest.empty()) {
      // oldest may be whole seconds ("1767225480") or a ts.
      const std::string lower = oldest.find('.') == std::string::npos ? oldest + ".000000" : oldest;
      if (inclusive ? TsLess(m.ts, lower) : !TsLess(lower, m.ts)) break;
    }
    if (static_cast<int64_t>(out.size()) == limit) {
      has_more = true;
      break;
    }
    out.push_back(MessageJson(m, metadata));
  }
  const std::string next =
      has_more ? Base64Cursor(out.back()["ts"].get<std::string>()) : std::string();
  return Ok(Json{{"messages", out},
                 {"has_more", has_more},
                 {"pin_count", 0},
                 {"response_metadata", {{"next_cursor", next}}}});
}

http::Response SlackEmulator::ConversationsReplies(const Bot& bot, const Call& call) {
  std::lock_guard lock(mu_);
  auto ch = channels_.find(call.Str("channel"));
  if (ch == channels_.end()) return Err("channel_not_found");
  if (!ch->second.members.count(bot.user_id)) {
    return Err(ch->second.is_private ? "channel_not_found" : "not_in_channel");
  }
  const std::string ts = call.Str("ts");
  if (ts.empty()) return Missing("ts");
  auto parent = messages_.find(ts);
  if (parent == messages_.end() || parent->second.channel != ch->first || parent->second.deleted) {
    return Err("thread_not_found");
  }
  const std::string root = parent->second.thread_ts.empty() ? ts : parent->second.thread_ts;
  const int64_t limit = std::clamp<int64_t>(call.Int("limit").value_or(1000), 1, 1000);
  const std::string after = FromCursor(call.Str("cursor"));
  const bool metadata = call.Bool("include_all_metadata");
  Json out = Json::array();
  bool has_more = false;
  for (const auto& [mts, m] : messages_) {
    if (m.deleted || m.channel != ch->first) continue;
    if (!(mts == root || m.thread_ts == root)) continue;
    if (!after.empty() && !TsLess(after, mts)) continue;
    if (static_cast<int64_t>(out.size()) == limit) {
      has_more = true;
      break;
    }
    out.push_back(MessageJson(m, metadata));
  }
  const std::string next =
      has_more ? Base64Cursor(out.back()["ts"].get<std::string>()) : std::string();
  return Ok(Json{
      {"messages", out}, {"has_more", has_more}, {"response_metadata", {{"next_cursor", next}}}});
}

http::Response SlackEmulator::PostMessage(const Bot& bot, const Call& call) {
  const std::string channel_id = call.Str("channel");
  if (channel_id.empty()) return Err("channel_not_found");
  std::string text = call.Str("text");
  const bool has_blocks = call.params.count("blocks") > 0;
  Json metadata;
  if (auto it = call.params.find("metadata"); it != call.params.end()) {
    Json m = it->second;
    if (m.is_string()) {
      auto parsed = base::ParseJson(m.get<std::string>());
      m = parsed.ok() ? *parsed : Json();
    }
    if (!m.is_object() || !m.contains("event_type") || !m["event_type"].is_string() ||
        !m.contains("event_payload") || !m["event_payload"].is_object()) {
      return Err("invalid_metadata_format");
    }
    metadata = m;
  }
  std::lock_guard lock(mu_);
  Channel* channel = nullptr;
  if (auto err = WritableLocked(bot, channel_id, &channel)) return *err;
  if (text.empty() && !has_blocks) return Err("no_text");
  const std::string thread_ts = call.Str("thread_ts");
  if (!thread_ts.empty()) {
    auto parent = messages_.find(thread_ts);
    if (parent == messages_.end() || parent->second.channel != channel_id ||
        parent->second.deleted) {
      return Err("thread_not_found");
    }
  }
  if (auto limited = Throttle("post:" + channel_id, ctx_.ConfigInt("channel_post_limit", 60))) {
    return *limited;
  }
  if (messages_.size() >= kMaxMessages) return Err("internal_error");
  Json warning;
  if (platforms::text::CountCodePoints(text) > kMaxTextChars) {
    text = TruncateCodePoints(text, kMaxTextChars);
    warning = "message_truncated";  // wording unconfirmed
  }
  Message m;
  m.ts = NextTsLocked();
  m.channel = channel_id;
  m.user = bot.user_id;
  m.bot_id = bot.bot_id;
  m.text = text;
  m.thread_ts = thread_ts;
  m.metadata = metadata;
  messages_[m.ts] = m;

  CreatedPost post;
  post.id = m.ts;
  post.account = channel_id;
  post.text = text;
  post.reply_to = thread_ts;
  if (!metadata.is_null()) {
    post.idempotency_key = base::GetString(metadata["event_payload"], "idempotency_key");
  }
  post.url = Permalink(channel_id, m.ts);
  post.created_at = ctx_.Now();
  post.extra = Json{{"channel", channel_id},
                    {"ts", m.ts},
                    {"kind", "message"},
                    {"metadata", metadata},
                    {"mrkdwn", call.Str("mrkdwn")}};
  (void)ctx_.posts().Add(std::move(post));

  Json body = {{"channel", channel_id}, {"ts", m.ts}, {"message", MessageJson(m, true)}};
  if (!warning.is_null()) body["warning"] = warning;
  return Ok(body);
}

http::Response SlackEmulator::DeleteMessage(const Bot& bot, const Call& call) {
  const std::string channel_id = call.Str("channel");
  const std::string ts = call.Str("ts");
  std::lock_guard lock(mu_);
  auto ch = channels_.find(channel_id);
  if (ch == channels_.end()) return Err("channel_not_found");
  auto it = messages_.find(ts);
  if (it == messages_.end() || it->second.channel != channel_id || it->second.deleted) {
    return Err("message_not_found");
  }
  if (it->second.user != bot.user_id) return Err("cant_delete_message");
  it->second.deleted = true;
  ctx_.posts().MarkDeleted(ts);
  return Ok(Json{{"channel", channel_id}, {"ts", ts}});
}

http::Response SlackEmulator::GetUploadUrl(const Bot& bot, const Call& call,
                                           const http::Request& req) {
  const std::string filename = call.Str("filename");
  if (filename.empty()) return Missing("filename");
  auto length = call.Int("length");
  if (!length || *length <= 0) return Missing("length");
  const std::string alt = call.Str("alt_txt");
  if (platforms::text::CountCodePoints(alt) > kMaxAltText) return Err("invalid_arguments");
  std::lock_guard lock(mu_);
  if (files_.size() >= kMaxFiles) return Err("internal_error");
  char id[16];
  std::snprintf(id, sizeof(id), "F09V%07lld", static_cast<long long>(next_file_++));
  File f;
  f.id = id;
  f.name = filename;
  f.title = filename;
  f.alt = alt;
  f.owner = bot.user_id;
  f.declared_length = *length;
  f.mime = MimeFromName(filename);
  f.created = ctx_.Now();
  files_[f.id] = f;
  const std::string ticket = base::HexEncode(base::RandomBytes(16));
  tickets_[ticket] = f.id;
  std::string host(req.Header("Host"));
  if (host.empty()) host = "127.0.0.1";
  return Ok(Json{{"upload_url", "http://" + host + "/upload/v1/" + ticket}, {"file_id", f.id}});
}

http::Response SlackEmulator::HandleUpload(const http::Request& req) {
  std::string data = req.body;
  std::string mime(req.Header("Content-Type"));
  if (!MultipartBoundary(mime).empty()) {
    auto parts = ParseMultipart(req.body, mime);
    if (!parts.ok()) return http::Response::Text(400, "Bad Request");
    data.clear();
    mime.clear();
    for (const MultipartPart& p : *parts) {
      if (!p.filename.empty() || p.name == "file") {
        data = p.data;
        mime = p.content_type;
        break;
      }
    }
  }
  std::lock_guard lock(mu_);
  auto t = tickets_.find(std::string(req.PathParam("ticket")));
  if (t == tickets_.end()) return http::Response::Text(404, "Not Found");
  File& f = files_[t->second];
  tickets_.erase(t);
  f.uploaded = true;
  f.size = static_cast<int64_t>(data.size());
  f.sha256 = base::Sha256Hex(data);
  if (mime.rfind("image/", 0) == 0) f.mime = mime;
  return http::Response::Text(200, "OK - " + std::to_string(data.size()));
}

http::Response SlackEmulator::CompleteUpload(const Bot& bot, const Call& call) {
  Json files;
  if (auto it = call.params.find("files"); it != call.params.end()) {
    files = it->second;
    if (files.is_string()) {
      auto parsed = base::ParseJson(files.get<std::string>());
      files = parsed.ok() ? *parsed : Json();
    }
  }
  if (!files.is_array() || files.empty()) return Missing("files");
  std::string channel_id = call.Str("channel_id");
  if (channel_id.empty()) {
    const std::string channels = call.Str("channels");
    channel_id = channels.substr(0, channels.find(','));
  }
  const std::string comment = call.Str("initial_comment");
  const std::string thread_ts = call.Str("thread_ts");
  std::lock_guard lock(mu_);
  std::vector<File*> targets;
  for (const Json& entry : files) {
    const std::string id = entry.is_object() ? base::GetString(entry, "id") : "";
    auto it = files_.find(id);
    if (it == files_.end() || !it->second.uploaded || it->second.deleted ||
        it->second.owner != bot.user_id) {
      return Err("file_not_found");
    }
    if (it->second.completed) {
      return Err("invalid_arguments",
                 Json{{"response_metadata",
                       {{"messages", Json::array({"[ERROR] file already completed"})}}}});
    }
    if (entry.contains("title") && entry["title"].is_string()) {
      it->second.title = entry["title"].get<std::string>();
    }
    targets.push_back(&it->second);
  }
  Json answer_files = Json::array();
  if (channel_id.empty()) {  // private upload, no message
    for (File* f : targets) {
      f->completed = true;
      answer_files.push_back(FileJson(*f, false));
    }
    return Ok(Json{{"files", answer_files}});
  }
  Channel* channel = nullptr;
  if (auto err = WritableLocked(bot, channel_id, &channel)) return *err;
  if (!thread_ts.empty()) {
    auto parent = messages_.find(thread_ts);
    if (parent == messages_.end() || parent->second.channel != channel_id ||
        parent->second.deleted) {
      return Err("thread_not_found");
    }
  }
  if (messages_.size() >= kMaxMessages) return Err("internal_error");
  Message m;
  m.ts = NextTsLocked();
  m.channel = channel_id;
  m.user = bot.user_id;
  m.bot_id = bot.bot_id;
  m.text = comment;
  m.thread_ts = thread_ts;
  CreatedPost post;
  for (File* f : targets) {
    f->completed = true;
    f->info_polls = 0;
    f->shares.push_back(Share{channel_id, m.ts, thread_ts});
    m.files.push_back(f->id);
    MediaRecord rec;
    rec.id = f->id;
    rec.mime_type = f->mime;
    rec.alt_text = f->alt;
    rec.size = f->size;
    rec.sha256 = f->sha256;
    post.media.push_back(rec);
    answer_files.push_back(FileJson(*f, false));  // shares fill in asynchronously
  }
  messages_[m.ts] = m;
  post.id = m.ts;
  post.account = channel_id;
  post.text = comment;
  post.reply_to = thread_ts;
  post.url = Permalink(channel_id, m.ts);
  post.created_at = ctx_.Now();
  post.extra =
      Json{{"channel", channel_id}, {"ts", m.ts}, {"kind", "file_share"}, {"files", m.files}};
  (void)ctx_.posts().Add(std::move(post));
  return Ok(Json{{"files", answer_files}});
}

http::Response SlackEmulator::FileInfo(const Bot&, const Call& call) {
  std::lock_guard lock(mu_);
  auto it = files_.find(call.Str("file"));
  if (it == files_.end() || !it->second.completed) return Err("file_not_found");
  File& f = it->second;
  if (f.deleted) return Err("file_deleted");
  ++f.info_polls;
  const bool shares_visible = f.info_polls > ctx_.ConfigInt("share_delay_polls", 0);
  return Ok(Json{{"file", FileJson(f, shares_visible)},
                 {"comments", Json::array()},
                 {"response_metadata", {{"next_cursor", ""}}}});
}

http::Response SlackEmulator::FileDelete(const Bot& bot, const Call& call) {
  std::lock_guard lock(mu_);
  auto it = files_.find(call.Str("file"));
  if (it == files_.end()) return Err("file_not_found");
  if (it->second.deleted) return Err("file_deleted");
  if (it->second.owner != bot.user_id) return Err("cant_delete_file");
  it->second.deleted = true;
  return Ok();
}

http::Response SlackEmulator::ReactionsGet(const Bot& bot, const Call& call) {
  const std::string channel_id = call.Str("channel");
  const std::string ts = call.Str("timestamp");
  std::lock_guard lock(mu_);
  auto ch = channels_.find(channel_id);
  if (ch == channels_.end() || (ch->second.is_private && !ch->second.members.count(bot.user_id))) {
    return Err("channel_not_found");
  }
  auto it = messages_.find(ts);
  if (it == messages_.end() || it->second.channel != channel_id || it->second.deleted) {
    return Err("message_not_found");
  }
  Json message = MessageJson(it->second, false);
  if (auto post = ctx_.posts().Find(ts)) {
    Json reactions = Json::array();
    const Json& metrics = post->metrics;
    if (metrics.contains("reactions") && metrics["reactions"].is_object()) {
      for (const auto& [name, count] : metrics["reactions"].items()) {
        reactions.push_back(Json{{"name", name}, {"users", Json::array()}, {"count", count}});
      }
    } else if (metrics.contains("likes")) {
      reactions.push_back(
          Json{{"name", "+1"}, {"users", Json::array()}, {"count", metrics["likes"]}});
    }
    if (!reactions.empty()) message["reactions"] = reactions;
  }
  message["permalink"] = Permalink(channel_id, ts);
  return Ok(Json{{"type", "message"}, {"channel", channel_id}, {"message", message}});
}

http::Response SlackEmulator::RateLimited(const http::Request&, std::chrono::seconds retry_after) {
  http::Response r = http::Response::Json(429, R"({"ok":false,"error":"ratelimited"})");
  r.headers.Set("Retry-After", std::to_string(retry_after.count()));
  return r;
}

http::Response SlackEmulator::ServerError(const http::Request&, int status) {
  const std::string code = std::to_string(status);
  return http::Response::With(
      status, "text/html",
      "<html><head><title>Server Error</title></head><body><h1>" + code + " " +
          std::string(http::StatusReason(status)) +
          "</h1><p>Slack is having trouble. Please try again.</p></body></html>");
}

http::Response SlackEmulator::ExpireToken(const http::Request& req) {
  const std::string token = BearerToken(req.Header("Authorization"));
  if (auto info = tokens_.Find(token)) {
    Json extra = info->extra;
    extra["expired"] = true;
    (void)tokens_.Issue(info->account, token, extra);
  }
  return Err("token_expired");
}

base::Result<Json> SlackEmulator::CreateToken(const Json& args) {
  Bot bot;
  {
    std::lock_guard lock(mu_);
    if (bots_.size() >= 1'000) return base::ResourceExhausted("too many bots");
    char user[16];
    char bot_id[16];
    std::snprintf(user, sizeof(user), "U0EMU%06lld", static_cast<long long>(next_bot_));
    std::snprintf(bot_id, sizeof(bot_id), "B0EMU%06lld", static_cast<long long>(next_bot_));
    ++next_bot_;
    bot.user_id = user;
    bot.bot_id = bot_id;
    bot.name = base::GetString(args, "name", "bot" + std::to_string(next_bot_));
    if (args.contains("scopes") && args["scopes"].is_array()) {
      for (const Json& s : args["scopes"]) {
        if (s.is_string()) bot.scopes.insert(s.get<std::string>());
      }
    } else {
      bot.scopes = bots_[kBotUserId].scopes;
    }
    bots_[bot.user_id] = bot;
  }
  std::string token = base::GetString(args, "token");
  if (token.empty()) token = "xoxb-" + base::HexEncode(base::RandomBytes(12));
  auto issued = tokens_.Issue(bot.user_id, token);
  if (!issued.ok()) return issued.error();
  return Json{{"token", *issued}, {"user_id", bot.user_id}, {"bot_id", bot.bot_id}};
}

base::Result<void> SlackEmulator::RevokeToken(std::string_view token) {
  return tokens_.Revoke(token);
}

base::Result<void> SlackEmulator::ExpireTokens(std::string_view token) {
  for (const TokenInfo& t : tokens_.List()) {
    if (!token.empty() && t.token != token) continue;
    Json extra = t.extra;
    extra["expired"] = true;
    (void)tokens_.Issue(t.account, t.token, extra);
  }
  return base::Ok();
}

base::Result<Json> SlackEmulator::Control(std::string_view action, const Json& body) {
  if (action != "channels") return NetworkEmulator::Control(action, body);
  const std::string id = base::GetString(body, "id");
  if (id.empty()) return base::InvalidArgument("id is required");
  std::lock_guard lock(mu_);
  if (!channels_.count(id) && channels_.size() >= 1'000) {
    return base::ResourceExhausted("too many channels");
  }
  Channel& c = channels_[id];
  c.id = id;
  c.name = base::GetString(body, "name", c.name.empty() ? "channel-" + id : c.name);
  c.is_private = body.value("is_private", c.is_private);
  c.is_archived = body.value("is_archived", c.is_archived);
  c.num_members = body.value("num_members", c.num_members);
  if (body.contains("member") && body["member"].is_boolean()) {
    if (body["member"].get<bool>()) {
      c.members.insert(kBotUserId);
    } else {
      c.members.erase(kBotUserId);
    }
  }
  return Json{{"id", c.id},
              {"name", c.name},
              {"is_private", c.is_private},
              {"is_archived", c.is_archived},
              {"is_member", c.members.count(kBotUserId) > 0}};
}

Json SlackEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json bots = Json::array();
  for (const auto& [id, b] : bots_) {
    Json tokens = Json::array();
    for (const TokenInfo& t : tokens_.List()) {
      if (t.account == id && !t.revoked) tokens.push_back(t.token);
    }
    bots.push_back(Json{{"user_id", id},
                        {"bot_id", b.bot_id},
                        {"name", b.name},
                        {"scopes", std::vector<std::string>(b.scopes.begin(), b.scopes.end())},
                        {"tokens", tokens}});
  }
  Json channels = Json::array();
  for (const auto& [id, c] : channels_) {
    channels.push_back(
        Json{{"id", id},
             {"name", c.name},
             {"is_private", c.is_private},
             {"is_archived", c.is_archived},
             {"num_members", c.num_members},
             {"members", std::vector<std::string>(c.members.begin(), c.members.end())}});
  }
  return Json{{"team", {{"id", kTeamId}, {"name", kTeamName}, {"url", kTeamUrl}}},
              {"bots", bots},
              {"channels", channels}};
}

void RegisterSlackEmulator(EmulatorRegistry& registry) {
  registry.Add("slack",
               "Slack Web API (auth.test, conversations.*, chat.postMessage/delete, "
               "files upload v2, reactions.get)",
               [](EmulatorContext& ctx) { return std::make_unique<SlackEmulator>(ctx); });
}

}  // namespace herald::emulators
