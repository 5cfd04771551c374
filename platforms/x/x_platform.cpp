#include "platforms/x/x_platform.h"

#include <fstream>
#include <utility>

#include "platforms/http/form_urlencoded.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/media_bytes.h"
#include "platforms/kit/oauth_scopes.h"
#include "platforms/kit/pause.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/multipart.h"
#include "platforms/register_all.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"
#include "platforms/text/weighted_length.h"

namespace herald::platforms::x {
namespace {

constexpr int64_t kMaxImageBytes = 5 * 1024 * 1024;
constexpr int64_t kMaxVideoBytes = 512LL * 1024 * 1024;
constexpr int kMaxAltText = 1000;

// remote_state {"parts": [{"id", "url"}, ...]}: a part is recorded once it has an id.
const ThreadPublisher& Threads() {
  static const ThreadPublisher* threads = new ThreadPublisher(
      "X", {.key = "parts", .usable = [](const Json& p) {
              return p.is_object() && !base::GetString(p, "id").empty();
            }});
  return *threads;
}

PublishReceipt ReceiptOf(Json state) {
  PublishReceipt receipt;
  const Json& parts = state["parts"];
  receipt.external_id = base::GetString(parts.front(), "id");
  receipt.url = base::GetString(parts.front(), "url");
  receipt.remote_state = std::move(state);
  return receipt;
}

// The ids of every part of `receipt`, first part first.
std::vector<std::string> PartIds(const PublishReceipt& receipt) {
  std::vector<std::string> ids;
  for (const Json& p : Threads().DoneEntries(receipt.remote_state, SIZE_MAX)) {
    ids.push_back(base::GetString(p, "id"));
  }
  if (ids.empty() && !receipt.external_id.empty()) ids.push_back(receipt.external_id);
  return ids;
}

std::string ItemName(const MediaItem& item) {
  return item.file_name.empty() ? "a media file" : item.file_name;
}

}  // namespace

oauth::OAuthProvider XProvider(std::string_view api_url, std::string_view auth_url) {
  const std::string api = TrimSlash(std::string(api_url.empty() ? kXApiUrl : api_url));
  const std::string auth = TrimSlash(std::string(auth_url.empty() ? kXAuthUrl : auth_url));
  oauth::OAuthProvider p =
      oauth::MakeProvider(kXNetworkId, "X", auth + "/i/oauth2/authorize", api + "/2/oauth2/token",
                          XScopes(), oauth::ClientAuthMethod::kBasic,
                          /*pkce=*/true);
  p.revoke_url = api + "/2/oauth2/revoke";
  // X answers a used or revoked refresh token with invalid_request, not invalid_grant.
  p.dead_grant_errors = {"invalid_request"};
  return p;
}

XPlatform::XPlatform(oauth::OAuthProvider provider, HttpClient& http, const base::Clock& clock,
                     XOptions options)
    : OAuthNetworkBase(std::move(provider), http, clock, ErrorOptions()),
      options_(std::move(options)),
      api_(TrimSlash(options_.api_url.empty() ? std::string(kXApiUrl) : options_.api_url)),
      validator_(PostRules{}) {
  info_.id = std::string(kXNetworkId);
  info_.name = "X";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{text::kXMaxWeightedLength, 0, "weighted", text::kXUrlLength};
  MediaRules& m = info_.media;
  m.max_items = 4;
  m.max_image_bytes = kMaxImageBytes;
  m.mime_types = {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4",
                  "video/quicktime"};
  m.max_alt_text = kMaxAltText;
  m.max_video_bytes = kMaxVideoBytes;
  m.video_alone = true;
  m.min_video_duration_ms = 500;
  m.max_video_duration_ms = 140'000;
  m.min_width = 32;
  m.min_height = 32;
  m.max_frame_rate = 60;
  m.video_codecs = {"h264"};
  m.audio_codecs = {"aac"};
  info_.features.threads = true;
  info_.features.delete_posts = true;
  info_.features.post_metrics = true;
  info_.features.account_metrics = true;
  info_.features.idempotency = IdempotencyKind::kReconcile;
  PostRules r;
  r.text = {"X", text::kXMaxWeightedLength, text::LengthUnit::kXWeighted, text::kXUrlLength};
  r.needs = r.empty_part = "X needs text or media";
  r.media = info_.media;
  validator_ = PostValidator(std::move(r));
}

ValidationReport XPlatform::Validate(const Content& content) const {
  ValidationReport report = validator_.Validate(content);
  for (size_t i = 0; i < content.parts.size(); ++i) {
    const PostPart& part = content.parts[i];
    if (!text::IsValidUtf8(part.text)) continue;
    if (std::string bad = text::XInvalidCharacter(part.text); !bad.empty()) {
      report.violations.push_back(
          {PartField(i, "text"), PartField(i, "text") + " contains " + bad + ", which X refuses"});
    }
    size_t gifs = 0;
    for (const MediaItem& item : part.media) gifs += MediaCategory(item) == "tweet_gif";
    if (gifs > 0 && part.media.size() > 1) {
      report.violations.push_back(
          {PartField(i, "media"), PartField(i, "media") +
                                      " mixes an animated GIF with other media: X accepts one "
                                      "GIF alone (or up to 4 images, or 1 video)"});
    }
  }
  return report;
}

Task<void> XPlatform::Pause(std::chrono::milliseconds delay) {
  co_await platforms::Pause(options_.pause, delay);
}

Task<Result<HttpResponse>> XPlatform::CallWith(std::string token, const std::string& method,
                                               const std::string& path, const std::string& body,
                                               const std::string& content_type,
                                               const std::string& action, CallKind kind,
                                               const std::vector<int>& pass) {
  HttpRequest req;
  req.method = method;
  req.url = api_ + path;
  req.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  req.body = body;
  req.connect_timeout = options_.connect_timeout;
  req.total_timeout = path.find("/append") != std::string::npos ? options_.upload_timeout
                                                                 : options_.request_timeout;
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Send(std::move(req), kind));
  if (r.status >= 200 && r.status <= 299) co_return r;
  for (int s : pass) {
    if (r.status == s) co_return r;
  }
  co_return errors().FromResponse(r, action, clock().Now(), token);
}

Task<Result<HttpResponse>> XPlatform::Call(AccountContext& account, std::string method,
                                           std::string path, std::string body,
                                           std::string content_type, std::string action,
                                           CallKind kind, std::vector<int> pass) {
  co_return co_await WithToken<HttpResponse>(
      account, [&](std::string token) -> Task<Result<HttpResponse>> {
        co_return co_await CallWith(std::move(token), method, path, body, content_type, action,
                                    kind, pass);
      });
}

Task<Result<ConnectedAccount>> XPlatform::Identify(oauth::TokenSet tokens) {
  HERALD_CO_RETURN_IF_ERROR(
      RequireScopes(tokens.scope, MissingScopes(tokens.scope, XScopes()), "X"));
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r, co_await CallWith(tokens.access_token, "GET", "/2/users/me", "", "",
                                        "the token", CallKind::kRead, {}));
  HERALD_CO_ASSIGN_OR_RETURN(XUser user, ParseUser(r.body));
  ConnectedAccount out;
  out.external_id = user.id;
  out.handle = "@" + user.username;
  out.display_name = user.name.empty() ? user.username : user.name;
  out.base_url = api_;
  out.settings = Json{{"username", user.username}};
  out.token_expires_at = tokens.expires_at;
  co_return out;
}

Task<Result<std::string>> XPlatform::WaitForMedia(AccountContext& account, const MediaItem& item,
                                                  XMediaState state) {
  for (int check = 0;; ++check) {
    if (state.state == "failed") {
      co_return base::InvalidArgument(
          "X could not process " + ItemName(item) +
          (state.error.empty() ? std::string() : ": " + state.error));
    }
    if (state.ready()) co_return state.id;
    if (check >= options_.max_media_checks) {
      co_return base::Unavailable("X was still processing " + ItemName(item) + " after " +
                                  std::to_string(check) + " checks; herald will try again later");
    }
    co_await Pause(std::chrono::seconds(std::max(1, state.check_after_secs)));
    HERALD_CO_ASSIGN_OR_RETURN(
        HttpResponse r,
        co_await Call(account, "GET", "/2/media/upload?command=STATUS&media_id=" + state.id, "",
                      "", "processing " + ItemName(item), CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(state, ParseMediaState(r.body));
  }
}

Task<Result<std::string>> XPlatform::UploadMedia(AccountContext& account, const MediaItem& item) {
  const std::string action = "uploading " + ItemName(item);
  HERALD_CO_ASSIGN_OR_RETURN(int64_t total, MediaByteCount(item, "X"));
  // Every step may be repeated safely: an upload never attached is dropped by X after a day.
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse init,
      co_await Call(account, "POST", "/2/media/upload/initialize",
                    MediaInitializeBody(item.mime_type, total, MediaCategory(item)),
                    "application/json", action, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(XMediaState media, ParseMediaState(init.body));
  const std::string base = "/2/media/upload/" + media.id;
  const int64_t chunk = std::max<int64_t>(1, options_.chunk_bytes);
  for (int64_t offset = 0, segment = 0; offset < total; offset += chunk, ++segment) {
    HERALD_CO_ASSIGN_OR_RETURN(std::string bytes,
                               ReadMediaRange(item, offset, std::min(chunk, total - offset), "X"));
    MultipartForm form;
    form.AddField("segment_index", std::to_string(segment));
    form.AddFile("media", "blob", "application/octet-stream", bytes);
    MultipartForm::Encoded encoded = form.ContentTypeAndBody();
    HERALD_CO_RETURN_IF_ERROR(co_await Call(account, "POST", base + "/append",
                                            std::move(encoded.body), encoded.content_type, action,
                                            CallKind::kRead));
  }
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse fin,
      co_await Call(account, "POST", base + "/finalize", "", "", action, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(XMediaState finalized, ParseMediaState(fin.body));
  HERALD_CO_ASSIGN_OR_RETURN(std::string id,
                             co_await WaitForMedia(account, item, std::move(finalized)));
  if (!item.alt_text.empty()) {
    HERALD_CO_RETURN_IF_ERROR(co_await Call(account, "POST", "/2/media/metadata",
                                            AltTextBody(id, item.alt_text), "application/json",
                                            "adding the alt text of " + ItemName(item),
                                            CallKind::kRead));
  }
  co_return id;
}

Task<Result<std::vector<std::string>>> XPlatform::PartMedia(AccountContext& account,
                                                            const PostPart& part,
                                                            PartContext& ctx, bool& reused) {
  std::vector<std::string> ids;
  reused = false;
  if (part.media.empty()) co_return ids;
  const std::string key = std::to_string(ctx.index);
  Json& state = *ctx.state;
  if (!state.contains("media") || !state["media"].is_object()) state["media"] = Json::object();
  if (const Json& saved = state["media"].value(key, Json());
      saved.is_array() && saved.size() == part.media.size()) {
    for (const Json& id : saved) ids.push_back(id.is_string() ? id.get<std::string>() : "");
    if (std::none_of(ids.begin(), ids.end(), [](const std::string& s) { return s.empty(); })) {
      reused = true;
      co_return ids;
    }
    ids.clear();
  }
  for (const MediaItem& item : part.media) {
    HERALD_CO_ASSIGN_OR_RETURN(std::string id, co_await UploadMedia(account, item));
    ids.push_back(std::move(id));
  }
  // Recorded before the tweet is sent: an attempt after a crash reuses them.
  state["media"][key] = ids;
  HERALD_CO_RETURN_IF_ERROR(ctx.Save());
  co_return ids;
}

Task<Result<std::vector<XTweet>>> XPlatform::RecentTweets(AccountContext& account) {
  if (account.external_id.empty()) {
    co_return base::Unavailable("the X account has no user id to look its posts up by");
  }
  const std::string first = "/2/users/" + account.external_id +
                            "/tweets?max_results=" + std::to_string(options_.recent_tweets) +
                            "&tweet.fields=created_at,referenced_tweets";
  const base::Time not_before = clock().Now() - options_.lookback;
  std::vector<XTweet> out;
  std::string next;
  for (int page = 0; page < options_.recent_pages; ++page) {
    const std::string path =
        next.empty() ? first : first + "&pagination_token=" + http::PercentEncode(next);
    HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                               co_await Call(account, "GET", path, "", "",
                                             "looking up recent posts", CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(std::vector<XTweet> tweets, ParseTweetList(r.body));
    out.insert(out.end(), tweets.begin(), tweets.end());
    next = ParseNextToken(r.body);
    // Newest first: a page reaching past the lookback is the last one needed.
    const bool past = !tweets.empty() && tweets.back().created_at &&
                      *tweets.back().created_at < not_before;
    if (next.empty() || tweets.empty() || past) break;
  }
  co_return out;
}

Task<Result<PublishReceipt>> XPlatform::Publish(PublishRequest request) {
  if (request.content.parts.empty()) {
    co_return base::InvalidArgument("the post is empty: nothing to publish");
  }
  const std::string username = AccountUsername(request.account);
  AccountContext& account = request.account;
  PostPartFn post = [&](const PostPart& part, PartContext& ctx) -> Task<Result<Json>> {
    const std::string reply_to = ctx.done->empty() ? "" : base::GetString(ctx.done->back(), "id");
    const std::string action = ctx.index == 0 ? "the post" : "a thread reply";
    bool reused = false;
    HERALD_CO_ASSIGN_OR_RETURN(std::vector<std::string> media_ids,
                               co_await PartMedia(account, part, ctx, reused));
    std::vector<int> pass = {403, 400};
    HERALD_CO_ASSIGN_OR_RETURN(
        HttpResponse r,
        co_await Call(account, "POST", "/2/tweets", TweetRequestBody(part.text, media_ids, reply_to),
                      "application/json", action, CallKind::kWrite, pass));
    if (r.status == 400 && reused) {
      // Media recorded by an earlier attempt that X no longer knows (expired): upload again.
      (*ctx.state)["media"].erase(std::to_string(ctx.index));
      HERALD_CO_ASSIGN_OR_RETURN(media_ids, co_await PartMedia(account, part, ctx, reused));
      pass = {403};
      HERALD_CO_ASSIGN_OR_RETURN(
          r, co_await Call(account, "POST", "/2/tweets",
                           TweetRequestBody(part.text, media_ids, reply_to), "application/json",
                           action, CallKind::kWrite, pass));
    }
    if (r.status == 403 && IsDuplicateContent(r)) {
      // X refuses a tweet it already has: an earlier attempt made it. Find it.
      auto tweets = co_await RecentTweets(account);
      if (!tweets.ok()) {
        co_return base::Unknown(
            "X says this post already exists, but herald could not look it up: " +
                tweets.error().message(),
            tweets.error().detail());
      }
      const XTweet* found =
          FindTweet(*tweets, part.text, reply_to, clock().Now() - options_.lookback);
      if (found == nullptr) {
        co_return base::Unknown(
            "X says this post already exists (duplicate content), but herald could not find "
            "it among the account's recent posts");
      }
      co_return Json{{"id", found->id}, {"url", TweetUrl(username, found->id)}};
    }
    if (r.status < 200 || r.status > 299) {
      co_return errors().FromResponse(r, action, clock().Now());
    }
    HERALD_CO_ASSIGN_OR_RETURN(XTweet tweet, ParseCreatedTweet(r.body));
    co_return Json{{"id", tweet.id}, {"url", TweetUrl(username, tweet.id)}};
  };
  Json initial = request.remote_state.is_object() ? request.remote_state : Json::object();
  HERALD_CO_ASSIGN_OR_RETURN(Json state,
                             co_await Threads().Publish(request, std::move(initial), post));
  co_return ReceiptOf(std::move(state));
}

Task<Result<std::optional<PublishReceipt>>> XPlatform::Find(PublishRequest request) {
  const size_t n = request.content.parts.size();
  if (n == 0) co_return base::InvalidArgument("the post is empty: nothing to look up");
  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  Json parts = Threads().DoneEntries(state, n);
  const size_t recorded = parts.size();
  if (recorded < n) {
    auto tweets = co_await RecentTweets(request.account);
    if (!tweets.ok()) co_return LookupFailedError(std::move(tweets).error(), "X");
    const std::string username = AccountUsername(request.account);
    const base::Time not_before = clock().Now() - options_.lookback;
    for (size_t i = parts.size(); i < n; ++i) {
      const std::string reply_to = parts.empty() ? "" : base::GetString(parts.back(), "id");
      const XTweet* t = FindTweet(*tweets, request.content.parts[i].text, reply_to, not_before);
      if (t == nullptr) break;
      parts.push_back(Json{{"id", t->id}, {"url", TweetUrl(username, t->id)}});
    }
  }
  HERALD_CO_ASSIGN_OR_RETURN(
      std::optional<Json> done,
      Threads().FoundParts(request, std::move(state), std::move(parts), recorded));
  if (!done) co_return std::optional<PublishReceipt>();
  co_return std::optional<PublishReceipt>(ReceiptOf(std::move(*done)));
}

Task<Result<void>> XPlatform::Delete(AccountContext account, PublishReceipt receipt) {
  std::vector<std::string> ids = PartIds(receipt);
  if (ids.empty()) co_return base::InvalidArgument("the receipt names no X post");
  const std::vector<int> gone = {404};
  // Replies first, so the thread never shows a reply to a deleted post.
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    HERALD_CO_RETURN_IF_ERROR(co_await Call(account, "DELETE", "/2/tweets/" + *it, "", "",
                                            "deleting the post", CallKind::kDelete, gone));
  }
  co_return base::Ok();
}

Task<Result<Json>> XPlatform::FetchPostMetrics(AccountContext account, PublishReceipt receipt) {
  std::vector<std::string> ids = PartIds(receipt);
  if (ids.empty()) co_return base::InvalidArgument("the receipt names no X post");
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Call(account, "GET", "/2/tweets?ids=" + ids.front() + "&tweet.fields=public_metrics",
                    "", "", "reading the post's numbers", CallKind::kRead));
  co_return ParseTweetMetrics(r.body, ids.front());
}

Task<Result<Json>> XPlatform::FetchAccountMetrics(AccountContext account) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r, co_await Call(account, "GET", "/2/users/me?user.fields=public_metrics", "",
                                    "", "reading the account's numbers", CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(XUser user, ParseUser(r.body));
  co_return AccountMetrics(user);
}

std::unique_ptr<Platform> MakeXPlatform(const PlatformEnv& env) {
  if (env.http == nullptr) return nullptr;
  XOptions options;
  options.api_url = env.ApiUrl(kXNetworkId, kXApiUrl);
  oauth::OAuthProvider provider = XProvider(options.api_url, env.AuthUrl(kXNetworkId, kXAuthUrl));
  provider.SetClient(env.ClientFor(kXNetworkId));
  return std::make_unique<XPlatform>(std::move(provider), *env.http, env.ClockOrSystem(),
                                     std::move(options));
}

}  // namespace herald::platforms::x
