// libFuzzer target: the adapters' wire mapping — how each network's answers (status, headers,
// JSON bodies) become herald values and errors: platforms/{mastodon,bluesky,discord,telegram,
// slack}/*_wire and the OAuth token endpoint answers (platforms/oauth/token_set). Also the
// text-side helpers that see user input (validation, facets, escaping, chat ids, webhook URLs).
//
// Input: byte 0 picks the network and function group (see kGroups), byte 1 the HTTP status and
// call kind; then an optional header block ("Name: value" lines) ended by an empty line, then
// the body. Without an empty line the whole rest is the body (a recorded answer works as a
// seed as it is, behind its two bytes).
// Checked besides "no crash" (no exception may escape: errors are values):
//   - RetryAfter is at least one second when set; no error's retry_after is negative;
//   - Redact removes the secret; a transport error's message and detail never carry it;
//   - a parsed Discord webhook URL survives CanonicalWebhookUrl and parsing again;
//   - OAuth credentials survive TokenSetToCredentials and back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/log.h"
#include "platforms/bluesky/bluesky_wire.h"
#include "platforms/discord/discord_wire.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/retry_after.h"
#include "platforms/mastodon/mastodon_wire.h"
#include "platforms/oauth/token_set.h"
#include "platforms/slack/slack_wire.h"
#include "platforms/telegram/telegram_wire.h"

namespace herald::platforms {
namespace {

#define FUZZ_CHECK(cond)           \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

using base::Json;

constexpr int kStatuses[] = {200, 201, 202, 204, 400, 401, 403, 404, 408, 409, 410, 413,
                             422, 429, 500, 502, 503, 504, 302, 0,   299, 499, 599, 999};
constexpr std::string_view kSecret = "xoxb-SECRET-token";

struct Input {
  int status = 200;
  int kind = 0;  // 0 read, 1 write, 2 delete
  HttpHeaders headers;
  std::string body;
  HttpResponse Response() const { return HttpResponse{status, headers, body}; }
};

Input Decode(std::string_view in, uint8_t b1) {
  Input out;
  out.status = kStatuses[(b1 & 0x1f) % std::size(kStatuses)];
  out.kind = (b1 >> 5) % 3;
  size_t blank = in.find("\n\n");
  if (blank == std::string_view::npos) {
    out.body = std::string(in);
    return out;
  }
  std::string_view head = in.substr(0, blank);
  out.body = std::string(in.substr(blank + 2));
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view{} : head.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return out;
}

base::Time Now() {
  // A fixed clock: 2026-01-01T00:00:00Z.
  return base::Time(std::chrono::seconds(1767225600));
}

std::optional<Json> JsonOf(std::string_view body) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok()) return std::nullopt;
  return std::move(parsed).value();
}

const Json& Field(const Json& j, const char* name) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(name);
  return it == j.end() ? kNull : *it;
}

void CheckError(const base::Error& e) {
  if (auto r = e.retry_after()) FUZZ_CHECK(r->count() >= 0);
  (void)base::ErrorCodeName(e.code());
}

template <class T>
void CheckResult(const base::Result<T>& r) {
  if (!r.ok()) CheckError(r.error());
}

void CheckRetryAfter(const std::optional<std::chrono::milliseconds>& r) {
  if (r) FUZZ_CHECK(*r >= std::chrono::seconds(1));
}

void CheckRedaction(const std::string& text, std::string redacted, const base::Error& mapped) {
  (void)text;
  FUZZ_CHECK(redacted.find(kSecret) == std::string::npos);
  FUZZ_CHECK(mapped.message().find(kSecret) == std::string::npos);
  FUZZ_CHECK(mapped.detail().find(kSecret) == std::string::npos);
}

std::vector<PostPart> Parts(std::string_view text) {
  // Parts separated by '\x1e'; a part's media count is its text length modulo 4.
  std::vector<PostPart> parts;
  for (;;) {
    size_t sep = text.find('\x1e');
    PostPart part;
    part.text = std::string(text.substr(0, sep));
    for (size_t i = 0; i < part.text.size() % 4; ++i) {
      MediaItem m;
      m.id = "med_" + std::to_string(i);
      m.mime_type = i % 2 ? "image/png" : "image/gif";
      m.file_name = part.text.substr(0, i * 3);
      m.alt_text = part.text.substr(i);
      m.size = static_cast<int64_t>(part.text.size()) << (i * 8);
      part.media.push_back(std::move(m));
    }
    parts.push_back(std::move(part));
    if (sep == std::string_view::npos || parts.size() >= 8) break;
    text.remove_prefix(sep + 1);
  }
  return parts;
}

void Mastodon(const Input& in) {
  namespace m = mastodon;
  CheckResult(m::ParseAccount(in.body));
  CheckResult(m::ParseStatus(in.body));
  CheckResult(m::ParseMedia(in.body));
  (void)m::ParseErrorMessage(in.body);
  HttpResponse resp = in.Response();
  CheckRetryAfter(RetryAfter(resp.headers, Now()));
  CheckError(m::ErrorFromResponse(resp, "publishing", Now()));
}

void Bluesky(const Input& in) {
  namespace b = bluesky;
  CheckResult(b::ParseSession(in.body));
  (void)b::ParseXrpcError(in.body);
  CheckResult(b::ParseStrongRef(in.body));
  CheckResult(b::ParseBlob(in.body));
  std::string uri = "at://did:plc:abc/app.bsky.feed.post/3kabc";
  for (const auto& [name, value] : in.headers) {
    if (name == "X-Uri") uri = value;
  }
  CheckResult(b::ParsePostCounts(in.body, uri));
  CheckResult(b::ParseProfile(in.body));
  HttpResponse resp = in.Response();
  CheckRetryAfter(RetryAfter(resp.headers, Now()));
  CheckError(b::ErrorFromResponse(resp, "publishing", Now()));
}

void BlueskyText(const Input& in) {
  namespace b = bluesky;
  (void)b::JwtExpiry(in.body);
  std::string rkey = b::RkeyOf(in.body);
  (void)b::IsValidTid(rkey);
  FUZZ_CHECK(b::IsValidTid(b::RecordKeyFor(in.body, in.body.size() % 7)));
  b::ResolvedHandles resolved = {{"alice.bsky.social", "did:plc:alice"},
                                 {"bob.example.com", "did:plc:bob"}};
  Json facets = b::FacetsJson(in.body, resolved);
  FUZZ_CHECK(facets.is_array());
  // Byte ranges of facets must lie inside the text.
  for (const auto& f : facets) {
    const Json& index = Field(f, "index");
    const Json& start = Field(index, "byteStart");
    const Json& end = Field(index, "byteEnd");
    FUZZ_CHECK(start.is_number_integer() && end.is_number_integer());
    FUZZ_CHECK(start.get<int64_t>() >= 0 && start.get<int64_t>() <= end.get<int64_t>());
    FUZZ_CHECK(end.get<int64_t>() <= static_cast<int64_t>(in.body.size()));
  }
  Json record = b::PostRecord(in.body, facets, {}, std::nullopt, "2026-01-01T00:00:00.000Z");
  (void)base::DumpJson(b::CreateRecordBody("did:plc:abc", rkey, record));
}

void DiscordAnswer(const Input& in) {
  namespace d = discord;
  auto kind = static_cast<CallKind>(in.kind);
  (void)d::ParseRateLimit(in.headers);
  (void)d::ErrorCodeOf(in.body);
  auto r = d::ParseResponse(in.status, in.headers, in.body, kind);
  CheckResult(r);
  CheckError(d::MapFailure(in.status, in.headers, in.body));
  if (r.ok()) {
    CheckResult(d::ParseWebhook(*r));
    auto msg = d::ParseMessage(*r);
    CheckResult(msg);
    if (msg.ok()) (void)d::MessageUrl("", msg->channel_id, msg->id);
    FUZZ_CHECK(d::ReactionMetrics(*r).is_object());
  }
  std::string text = in.body + std::string(kSecret);
  base::Error transport(base::ErrorCode::kUnavailable, "connect failed: " + text, text);
  CheckRedaction(text, Redact(text, kSecret), d::Errors().FromTransport(transport, kind, kSecret));
}

void DiscordText(const Input& in) {
  namespace d = discord;
  auto ref = d::ParseWebhookUrl(in.body);
  CheckResult(ref);
  if (ref.ok()) {
    auto again = d::ParseWebhookUrl(d::CanonicalWebhookUrl(*ref));
    FUZZ_CHECK(again.ok() && again->id == ref->id && again->token == ref->token);
  }
  Content content{Parts(in.body)};
  (void)d::Validate(content);
  const auto& media = content.parts.front().media;
  (void)base::DumpJson(d::ExecuteWebhookPayload(content.parts.front().text, media));
  (void)d::ExecuteWebhookForm(content.parts.front().text, media);
}

void TelegramAnswer(const Input& in) {
  namespace t = telegram;
  auto kind = static_cast<CallKind>(in.kind);
  auto r = t::ParseResponse(in.status, in.body, kind);
  CheckResult(r);
  if (r.ok()) {
    CheckResult(t::ParseBotUser(*r));
    auto chat = t::ParseChat(*r);
    CheckResult(chat);
    if (chat.ok()) {
      (void)t::ChatHandle(*chat);
      CheckResult(t::CheckCanPost(*chat, Field(*r, "member")));
      (void)t::MessageUrl(chat->id, chat->username, 42);
    }
    auto msg = t::ParseMessage(*r);
    CheckResult(msg);
    if (msg.ok()) (void)t::MessageUrl(msg->chat_id, "", msg->message_id);
    CheckResult(t::ParseMessages(*r));
  }
  std::string text = in.body + std::string(kSecret);
  base::Error transport(base::ErrorCode::kUnknown, "timeout: " + text, text);
  CheckRedaction(text, Redact(text, kSecret), t::Errors().FromTransport(transport, kind, kSecret));
}

void TelegramText(const Input& in) {
  namespace t = telegram;
  (void)t::IsPlausibleBotToken(in.body);
  CheckResult(t::NormalizeChatId(Json(in.body)));
  if (auto j = JsonOf(in.body)) {
    CheckResult(t::NormalizeChatId(*j));
    t::Chat chat;
    chat.id = -1001234567890;
    chat.type = in.kind == 0 ? "channel" : in.kind == 1 ? "supergroup" : "group";
    CheckResult(t::CheckCanPost(chat, *j));
  }
  Content content{Parts(in.body)};
  (void)t::Validate(content);
  (void)base::DumpJson(t::SendMessageParams("@chan", content.parts.front().text, std::nullopt));
  if (!content.parts.front().media.empty()) {
    (void)t::SendPhotoForm("@chan", content.parts.front().media.front(),
                           content.parts.front().text, std::nullopt);
    (void)t::SendMediaGroupForm("@chan", content.parts.front().media, content.parts.front().text,
                                std::nullopt);
  }
}

void SlackAnswer(const Input& in) {
  namespace s = slack;
  auto kind = static_cast<CallKind>(in.kind);
  auto r = s::ParseResponse(in.status, in.headers, in.body, kind);
  CheckResult(r);
  if (auto j = JsonOf(in.body)) {
    const Json& error = Field(*j, "error");
    if (error.is_string()) {
      CheckError(s::MapError(error.get<std::string>(), *j, kind,
                             FindHeader(in.headers, "Retry-After"), "#general"));
    }
  }
  if (r.ok()) {
    auto auth = s::ParseAuthTest(*r);
    CheckResult(auth);
    CheckResult(s::ParseChannel(Field(*r, "channel")));
    CheckResult(s::ParseUploadTicket(*r));
    std::optional<std::string> thread;
    if (in.kind == 1) thread = "1503435956.000247";
    auto ts = s::ShareTs(Field(*r, "file"), "C0123ABCD", thread);
    const Json& messages = Field(*r, "messages");
    if (messages.is_array()) {
      for (const auto& m : messages) {
        (void)s::HasMarker(m, "idem_1", 0, "B0123", "U0123");
        (void)s::HasMarker(m, "idem_1", 1, "", "");
      }
    }
    FUZZ_CHECK(s::ReactionMetrics(Field(*r, "message")).is_object());
    if (auth.ok() && ts) (void)s::Permalink(auth->url, "C0123ABCD", *ts, thread);
  }
  std::string text = in.body + std::string(kSecret);
  base::Error transport(base::ErrorCode::kUnavailable, "reset: " + text, text);
  CheckRedaction(text, Redact(text, kSecret), s::Errors().FromTransport(transport, kind, kSecret));
}

void SlackText(const Input& in) {
  namespace s = slack;
  CheckResult(s::ParseChannelArg(Json(in.body)));
  if (auto j = JsonOf(in.body)) CheckResult(s::ParseChannelArg(*j));
  std::string escaped = s::EscapeText(in.body);
  FUZZ_CHECK(escaped.find('<') == std::string::npos && escaped.find('>') == std::string::npos);
  (void)s::Permalink("https://team.slack.com/", "C0123ABCD", in.body, std::nullopt);
  Content content{Parts(in.body)};
  (void)s::Validate(content);
  (void)http::FormUrlEncode({{"text", in.body}, {in.body, "x"}});
  (void)base::DumpJson(
      s::PostMessageBody("C0123ABCD", content.parts.front().text, std::nullopt, in.body, 0));
}

void OAuth(const Input& in) {
  namespace o = oauth;
  HttpResponse resp = in.Response();
  auto tokens = o::ParseTokenResponse(resp, Now(), "twitter");
  CheckResult(tokens);
  (void)o::OAuthErrorCode(resp);
  CheckError(o::ParseOAuthError(resp, "twitter"));
  if (tokens.ok()) {
    Json credentials = o::TokenSetToCredentials(*tokens);
    auto again = o::TokenSetFromCredentials(credentials);
    FUZZ_CHECK(again.ok() && again->access_token == tokens->access_token &&
               again->refresh_token == tokens->refresh_token);
  }
  if (auto j = JsonOf(in.body)) {
    auto stored = o::TokenSetFromCredentials(*j);
    CheckResult(stored);
    if (stored.ok()) (void)base::DumpJson(o::TokenSetToCredentials(*stored));
  }
}

using Group = void (*)(const Input&);
constexpr Group kGroups[] = {Mastodon,      Bluesky,     BlueskyText, DiscordAnswer, DiscordText,
                             TelegramAnswer, TelegramText, SlackAnswer, SlackText,     OAuth};

}  // namespace
}  // namespace herald::platforms

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)herald::base::InitLogging(herald::base::LogFormat::kText, "off");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace herald::platforms;  // NOLINT
  if (size < 2) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  Input in = Decode(rest, data[1]);
  kGroups[data[0] % std::size(kGroups)](in);
  return 0;
}
