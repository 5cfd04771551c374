#include "platforms/mastodon/mastodon_platform.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/url/parse.hpp>
#include <utility>

#include "base/time.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/url_policy.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/post_validator.h"
#include "platforms/kit/thread_publisher.h"
#include "platforms/mastodon/mastodon_wire.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::mastodon {
namespace {

namespace asio = boost::asio;

constexpr int64_t kImageSizeLimit = 16 * 1024 * 1024;  // image_size_limit
constexpr int64_t kVideoSizeLimit = 99 * 1024 * 1024;  // video_size_limit
constexpr int kMaxMediaAttachments = 4;
constexpr int kDescriptionLimit = 1500;

const std::vector<std::string>& SupportedMimeTypes() {
  static const std::vector<std::string> types = {
      "image/jpeg", "image/png",  "image/gif",  "image/webp",      "image/heic", "image/heif",
      "image/avif", "video/mp4",  "video/webm", "video/quicktime", "audio/mpeg", "audio/ogg",
      "audio/wav",  "audio/flac", "audio/mp4",  "audio/aac"};
  return types;
}

// remote_state {"parts": [{"id", "url"}, ...]}: a part is recorded once it has an id.
const ThreadPublisher& Threads() {
  static const ThreadPublisher* threads = new ThreadPublisher(
      "Mastodon", {.key = "parts", .usable = [](const Json& p) {
                     return p.is_object() && !base::GetString(p, "id").empty();
                   }});
  return *threads;
}

Json PartsOf(const Json& remote_state) { return Threads().DoneEntries(remote_state, SIZE_MAX); }

PublishReceipt ReceiptOf(Json parts) {
  PublishReceipt receipt;
  receipt.external_id = base::GetString(parts.front(), "id");
  receipt.url = base::GetString(parts.front(), "url");
  receipt.remote_state = Json{{"parts", std::move(parts)}};
  return receipt;
}

}  // namespace

struct MastodonPlatform::Session {
  std::string base_url;
  std::string token;
};

Result<std::string> NormalizeInstanceUrl(std::string_view url) {
  std::string text(url);
  while (!text.empty() && (text.back() == '/' || text.back() == ' ')) text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  if (text.empty()) {
    return base::InvalidArgument(
        "instance_url is required: the address of your Mastodon server, e.g. "
        "https://mastodon.social");
  }
  if (text.find("://") == std::string::npos) text = "https://" + text;
  if (!boost::urls::parse_absolute_uri(text)) {
    return base::InvalidArgument("instance_url \"" + std::string(url) +
                                 "\" is not a valid address (expected https://your.instance)");
  }
  HERALD_ASSIGN_OR_RETURN(http::ParsedUrl parsed, http::ParseUrl(text, "instance_url"));
  const std::string& scheme = parsed.scheme;
  if (scheme != "https" && !(scheme == "http" && IsLoopbackHost(parsed.host))) {
    return base::InvalidArgument("instance_url must start with https:// (got \"" +
                                 std::string(url) + "\")");
  }
  if (parsed.has_userinfo || parsed.query || parsed.has_fragment ||
      !(parsed.path.empty() || parsed.path == "/")) {
    return base::InvalidArgument(
        "instance_url must be just the server address, like "
        "https://mastodon.social (no path, query or credentials)");
  }
  return scheme + "://" + parsed.Authority();
}

MastodonPlatform::MastodonPlatform(HttpClient* http, const base::Clock* clock,
                                   MastodonOptions options)
    : http_(http),
      clock_(clock != nullptr ? clock : &base::SystemClock::Instance()),
      options_(options),
      validator_(PostRules{}) {
  info_.id = "mastodon";
  info_.name = "Mastodon";
  info_.auth_kind = AuthKind::kToken;
  info_.text.max_length = options_.max_characters;
  info_.text.unit = "graphemes";
  info_.text.url_length = 23;
  info_.media.max_items = kMaxMediaAttachments;
  info_.media.max_image_bytes = kImageSizeLimit;
  info_.media.mime_types = SupportedMimeTypes();
  info_.media.max_alt_text = kDescriptionLimit;
  info_.media.max_video_bytes = kVideoSizeLimit;
  info_.media.video_alone = true;
  info_.features.threads = true;
  info_.features.delete_posts = true;
  info_.features.post_metrics = true;
  info_.features.account_metrics = true;
  info_.features.idempotency = IdempotencyKind::kNative;
  info_.connect_fields = {"instance_url", "access_token"};
  validator_ = PostValidator(Rules());
}

PostRules MastodonPlatform::Rules() const {
  PostRules r;
  r.text = {"Mastodon", options_.max_characters, text::LengthUnit::kGraphemes, 23, true};
  r.blank_is_empty = false;
  r.needs = r.empty_part = "Mastodon needs text or media";
  r.media = info_.media;
  return r;
}

ValidationReport MastodonPlatform::Validate(const Content& content) const {
  return validator_.Validate(content);
}

Result<MastodonPlatform::Session> MastodonPlatform::SessionFor(
    const AccountContext& account) const {
  std::string base = account.base_url;
  if (base.empty()) base = base::GetString(account.settings, "instance_url");
  HERALD_ASSIGN_OR_RETURN(std::string url, NormalizeInstanceUrl(base));
  std::string token = base::GetString(account.credentials, "access_token");
  if (token.empty()) {
    return base::Unauthenticated("the Mastodon account has no access token; connect it again");
  }
  return Session{std::move(url), std::move(token)};
}

Task<Result<HttpResponse>> MastodonPlatform::Call(const Session& session, std::string method,
                                                  std::string path, std::string body,
                                                  std::string content_type, HttpHeaders extra) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = session.base_url + path;
  request.headers = {{"Authorization", "Bearer " + session.token}, {"Accept", "application/json"}};
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  for (auto& h : extra) request.headers.push_back(std::move(h));
  request.body = std::move(body);
  request.connect_timeout = options_.connect_timeout;
  request.total_timeout = options_.request_timeout;
  co_return co_await http_->Send(std::move(request));
}

Task<Result<ConnectedAccount>> MastodonPlatform::Connect(Json args) {
  if (!args.is_object()) co_return base::InvalidArgument("connect arguments must be an object");
  HERALD_CO_ASSIGN_OR_RETURN(std::string url,
                             NormalizeInstanceUrl(base::GetString(args, "instance_url")));
  const std::string token = base::GetString(args, "access_token");
  if (token.empty()) {
    co_return base::InvalidArgument(
        "access_token is required: create one in your Mastodon settings under Development > "
        "New application, with the write:statuses, write:media and read scopes");
  }
  Session session{url, token};
  auto response = co_await Call(session, "GET", "/api/v1/accounts/verify_credentials");
  if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), CallKind::kRead);
  if (response->status != 200) {
    co_return ErrorFromResponse(*response, "the access token", clock_->Now());
  }
  HERALD_CO_ASSIGN_OR_RETURN(MastodonAccount account, ParseAccount(response->body));
  auto parsed = http::ParseUrl(url, "instance_url");  // normalized above: always parses
  ConnectedAccount out;
  out.external_id = account.id;
  out.handle = "@" + account.username + "@" + (parsed.ok() ? parsed->host : url);
  out.display_name = account.display_name.empty() ? account.username : account.display_name;
  out.base_url = url;
  out.settings = Json{{"instance_url", url}, {"username", account.username}};
  out.credentials = Json{{"access_token", token}};
  co_return out;
}

Task<Result<std::string>> MastodonPlatform::UploadMedia(const Session& session,
                                                        const MediaItem& item) {
  MultipartBody upload = MediaUploadBody(item);
  auto response =
      co_await Call(session, "POST", "/api/v2/media", std::move(upload.body), upload.content_type);
  // An upload that may or may not have happened leaves at worst an unattached file, which
  // Mastodon removes by itself: retrying is safe, so never report kUnknown here.
  if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), CallKind::kRead);
  if (response->status != 200 && response->status != 202) {
    co_return ErrorFromResponse(*response, "uploading " + item.file_name, clock_->Now());
  }
  HERALD_CO_ASSIGN_OR_RETURN(MastodonMedia media, ParseMedia(response->body));
  if (response->status == 200 && media.ready()) co_return media.id;

  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int attempt = 0; attempt < options_.media_poll_attempts; ++attempt) {
    timer.expires_after(options_.media_poll_interval);
    co_await timer.async_wait(base::kNoThrow);
    auto poll = co_await Call(session, "GET", "/api/v1/media/" + media.id);
    if (!poll.ok()) co_return Errors().FromTransport(std::move(poll).error(), CallKind::kRead);
    if (poll->status == 206) continue;  // still processing
    if (poll->status != 200) {
      co_return ErrorFromResponse(*poll, "processing " + item.file_name, clock_->Now());
    }
    HERALD_CO_ASSIGN_OR_RETURN(MastodonMedia polled, ParseMedia(poll->body));
    if (polled.ready()) co_return polled.id;
  }
  co_return base::Unavailable("Mastodon was still processing " +
                              (item.file_name.empty() ? std::string("an image") : item.file_name) +
                              " after " + std::to_string(options_.media_poll_attempts) +
                              " checks; try again later");
}

Task<Result<PublishReceipt>> MastodonPlatform::Publish(PublishRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(request.account));
  if (request.content.parts.empty()) {
    co_return base::InvalidArgument("the post is empty: nothing to publish");
  }
  if (request.idempotency_key.empty()) {
    co_return base::InvalidArgument("idempotency_key is required to publish to Mastodon");
  }
  const std::string key = request.idempotency_key;
  PostPartFn post = [&](const PostPart& part, PartContext& ctx) -> Task<Result<Json>> {
    std::vector<std::string> media_ids;
    for (const MediaItem& item : part.media) {
      HERALD_CO_ASSIGN_OR_RETURN(std::string id, co_await UploadMedia(session, item));
      media_ids.push_back(std::move(id));
    }
    const std::string previous_id =
        ctx.done->empty() ? "" : base::GetString(ctx.done->back(), "id");
    // (Headers built first: GCC cannot take a braced list inside a co_await expression.)
    HttpHeaders headers;
    headers.emplace_back("Idempotency-Key", PartIdempotencyKey(key, ctx.index));
    auto response = co_await Call(session, "POST", "/api/v1/statuses",
                                  StatusRequestBody(part.text, media_ids, previous_id),
                                  "application/json", std::move(headers));
    if (!response.ok()) {
      co_return Errors().FromTransport(std::move(response).error(), CallKind::kWrite);
    }
    if (response->status != 200) {
      co_return ErrorFromResponse(*response, ctx.index == 0 ? "the post" : "a thread reply",
                                  clock_->Now());
    }
    auto status = ParseStatus(response->body);
    if (!status.ok()) {
      // Mastodon said 200 but the body is unusable: the status probably exists.
      co_return base::Unknown("Mastodon accepted the post but its answer was unreadable",
                              status.error().message());
    }
    co_return Json{{"id", status->id}, {"url", status->url.empty() ? status->uri : status->url}};
  };
  HERALD_CO_ASSIGN_OR_RETURN(Json state,
                             co_await Threads().Publish(request, request.remote_state, post));
  co_return ReceiptOf(std::move(state["parts"]));
}

Task<Result<std::optional<PublishReceipt>>> MastodonPlatform::Find(PublishRequest request) {
  Json parts = PartsOf(request.remote_state);
  if (!parts.empty() && parts.size() >= request.content.parts.size()) {
    co_return std::optional<PublishReceipt>(ReceiptOf(std::move(parts)));
  }
  co_return base::Unimplemented(
      "Mastodon cannot look a post up by its Idempotency-Key; publish again (the key prevents "
      "a duplicate)");
}

Task<Result<void>> MastodonPlatform::Delete(AccountContext account, PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  std::vector<std::string> ids;
  for (const Json& p : PartsOf(receipt.remote_state)) ids.push_back(base::GetString(p, "id"));
  if (ids.empty() && !receipt.external_id.empty()) ids.push_back(receipt.external_id);
  if (ids.empty()) co_return base::InvalidArgument("the receipt names no Mastodon status");
  // Replies first, so the thread never shows a reply to a deleted status.
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    auto response = co_await Call(session, "DELETE", "/api/v1/statuses/" + *it);
    if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), CallKind::kRead);
    if (response->status == 200 || response->status == 404) continue;  // 404: already gone
    co_return ErrorFromResponse(*response, "deleting the post", clock_->Now());
  }
  co_return base::Ok();
}

Task<Result<Json>> MastodonPlatform::FetchPostMetrics(AccountContext account,
                                                      PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  std::string id = receipt.external_id;
  if (id.empty()) {
    Json parts = PartsOf(receipt.remote_state);
    if (!parts.empty()) id = base::GetString(parts.front(), "id");
  }
  if (id.empty()) co_return base::InvalidArgument("the receipt names no Mastodon status");
  auto response = co_await Call(session, "GET", "/api/v1/statuses/" + id);
  if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), CallKind::kRead);
  if (response->status != 200) {
    co_return ErrorFromResponse(*response, "reading the post's numbers", clock_->Now());
  }
  HERALD_CO_ASSIGN_OR_RETURN(MastodonStatus status, ParseStatus(response->body));
  Json metrics{{"likes", status.favourites_count},
               {"reposts", status.reblogs_count},
               {"replies", status.replies_count}};
  if (status.quotes_count) metrics["quotes"] = *status.quotes_count;
  co_return metrics;
}

Task<Result<Json>> MastodonPlatform::FetchAccountMetrics(AccountContext account) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  auto response = co_await Call(session, "GET", "/api/v1/accounts/verify_credentials");
  if (!response.ok()) co_return Errors().FromTransport(std::move(response).error(), CallKind::kRead);
  if (response->status != 200) {
    co_return ErrorFromResponse(*response, "reading the account's numbers", clock_->Now());
  }
  HERALD_CO_ASSIGN_OR_RETURN(MastodonAccount a, ParseAccount(response->body));
  co_return Json{{"followers", a.followers_count},
                 {"following", a.following_count},
                 {"posts", a.statuses_count}};
}

Task<Result<std::vector<HistoryPost>>> MastodonPlatform::FetchHistory(AccountContext account,
                                                                      HistoryRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  if (account.external_id.empty()) {
    co_return base::InvalidArgument("the Mastodon account has no id; reconnect it");
  }
  constexpr int kPageSize = 40;
  std::vector<HistoryPost> out;
  std::string max_id;
  // Bounded: enough pages for max_posts, whatever the instance sends.
  const int max_pages = request.max_posts / kPageSize + 2;
  for (int page = 0; page < max_pages && static_cast<int>(out.size()) < request.max_posts; ++page) {
    std::string path = "/api/v1/accounts/" + http::PercentEncode(account.external_id) +
                       "/statuses?exclude_reblogs=true&limit=" + std::to_string(kPageSize);
    if (!max_id.empty()) path += "&max_id=" + http::PercentEncode(max_id);
    auto response = co_await Call(session, "GET", path);
    if (!response.ok()) {
      co_return Errors().FromTransport(std::move(response).error(), CallKind::kRead);
    }
    if (response->status != 200) {
      co_return ErrorFromResponse(*response, "reading the account's posts", clock_->Now());
    }
    HERALD_CO_ASSIGN_OR_RETURN(std::vector<MastodonHistoryStatus> statuses,
                               ParseStatusPage(response->body));
    if (statuses.empty()) break;
    bool older_than_since = false;
    for (MastodonHistoryStatus& s : statuses) {
      max_id = s.status.id;
      auto created = base::ParseRfc3339(s.created_at);
      if (!created.ok()) continue;
      if (*created < request.since) {
        older_than_since = true;
        break;
      }
      if (s.reblog) continue;
      HistoryPost post;
      post.remote_id = s.status.id;
      post.url = s.status.url.empty() ? s.status.uri : s.status.url;
      post.published_at = *created;
      post.text = std::move(s.text);
      post.metrics = Json{{"likes", s.status.favourites_count},
                          {"reposts", s.status.reblogs_count},
                          {"replies", s.status.replies_count}};
      if (s.status.quotes_count) post.metrics["quotes"] = *s.status.quotes_count;
      out.push_back(std::move(post));
      if (static_cast<int>(out.size()) >= request.max_posts) break;
    }
    if (older_than_since || statuses.size() < static_cast<size_t>(kPageSize)) break;
  }
  co_return out;
}

}  // namespace herald::platforms::mastodon
