#include "platforms/facebook/facebook_platform.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "platforms/facebook/facebook_wire.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/media_bytes.h"
#include "platforms/kit/media_validator.h"
#include "platforms/kit/post_validator.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/meta/container_wire.h"
#include "platforms/meta/graph_errors.h"
#include "platforms/register_all.h"
#include "platforms/text/length_rules.h"

namespace herald::platforms::facebook {
namespace {

constexpr int64_t kMinReelMs = 3'000;
constexpr int64_t kMaxReelMs = 90'000;

std::string MediaKey(const MediaItem& item, size_t i) {
  return item.id.empty() ? "item" + std::to_string(i) : item.id;
}

std::string Seconds(int64_t ms) {
  return std::to_string(ms / 1000) + (ms % 1000 ? "." + std::to_string(ms % 1000 / 100) : "") +
         " s";
}

// The item's public URL Facebook downloads. Errors: kFailedPrecondition without one.
Result<std::string> UrlOf(const MediaItem& item) {
  if (!item.url.empty()) return item.url;
  return base::FailedPrecondition(
      "Facebook downloads media from a public URL, and herald has none for " + item.file_name +
      ": set HERALD_PUBLIC_URL to the address where Facebook can reach herald");
}

}  // namespace

Json FacebookOptionsSchema() {
  return Json{{"type", "object"},
              {"additionalProperties", false},
              {"properties",
               {{"type",
                 {{"type", "string"},
                  {"enum", Json::array({"feed", "reel"})},
                  {"description",
                   "feed (default): a Page post (text, link, photos or a video); reel: one "
                   "vertical MP4 video of 3 to 90 seconds published as a Reel"}}}}}};
}

FacebookNetwork::FacebookNetwork(FacebookOptions options, HttpClient& http,
                                 const base::Clock& clock)
    : OAuthNetworkBase(LoginProvider(kFacebookId, "Facebook", options.login), http, clock,
                       meta::GraphErrorOptions("Facebook")),
      options_(std::move(options)),
      graph_(options_.login.api_url, kGraphOrigin, meta::kGraphVersion),
      video_(options_.video_url.empty() ? options_.login.api_url : options_.video_url,
             kVideoOrigin, meta::kGraphVersion) {
  info_.id = std::string(kFacebookId);
  info_.name = "Facebook";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kMaxMessage, 0, "characters", 0};
  MediaRules& m = info_.media;
  m.max_items = 10;
  m.max_image_bytes = 4LL * 1024 * 1024;  // "photos should be < 4 MB" (reference 3.3)
  m.max_video_bytes = 1024LL * 1024 * 1024;
  m.mime_types = {"image/jpeg", "image/png", "video/mp4"};
  m.video_alone = true;
  m.fetch_by_url = true;
  info_.features = PageTokenFeatures(true);
  info_.options_schema = FacebookOptionsSchema();
}

// ---- validation ----

ValidationReport FacebookNetwork::Validate(const Content& content) const {
  PostRules rules;
  rules.text = text::LengthRule{info_.name, kMaxMessage, text::LengthUnit::kCodePoints};
  rules.needs = "text, a link or media";
  rules.empty_part = "Facebook needs text (up to 63,206 characters), a link or media";
  rules.media = info_.media;
  ValidationReport report = PostValidator(std::move(rules)).Validate(content);
  if (content.parts.empty()) return report;
  RefuseThread(content, "Facebook", report);
  const std::vector<MediaItem>& media = content.parts[0].media;
  if (base::GetString(content.options, "type") == "reel") {
    const std::string field = "platform_options.facebook.type";
    if (media.size() != 1 || !IsVideoItem(media[0])) {
      report.violations.push_back(
          {field, "a Facebook reel is one video (MP4, 3 to 90 seconds); this post has " +
                      std::to_string(media.size()) + " media item" +
                      (media.size() == 1 ? " that is not a video" : "s")});
    } else if (const int64_t ms = media[0].probe.duration_ms;
               ms > 0 && (ms < kMinReelMs || ms > kMaxReelMs)) {
      report.violations.push_back(
          {field, "the video is " + Seconds(ms) + " long; Facebook reels are 3 to 90 seconds"});
    }
  }
  const std::string missing = MissingPublishRight(
      content.account_settings, base::GetString(content.account_settings, "page_name"));
  if (!missing.empty()) report.violations.push_back({"account", missing});
  return report;
}

// ---- HTTP ----

Task<Result<HttpResponse>> FacebookNetwork::Api(AccountContext& account, GraphCall call) {
  co_return co_await WithToken<HttpResponse>(
      account, [&](std::string token) -> Task<Result<HttpResponse>> {
        GraphCall c = call;
        c.token = std::move(token);
        co_return co_await SendGraph(http(), errors(), clock(), std::move(c));
      });
}

GraphCall FacebookNetwork::Post(std::string path, http::FormFields form, std::string action,
                                bool video_host) const {
  GraphCall c;
  c.method = "POST";
  c.url = (video_host ? video_ : graph_).Versioned(path);
  c.form = std::move(form);
  c.action = std::move(action);
  c.kind = CallKind::kWrite;
  c.timeout = options_.login.request_timeout;
  return c;
}

GraphCall FacebookNetwork::Get(std::string path, http::FormFields query,
                               std::string action) const {
  GraphCall c;
  c.url = graph_.Versioned(path, query);
  c.action = std::move(action);
  c.timeout = options_.login.request_timeout;
  return c;
}

Task<void> FacebookNetwork::Pause(std::chrono::milliseconds delay) const {
  if (options_.pause) {
    co_await options_.pause(delay);
    co_return;
  }
  if (delay.count() <= 0) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(base::kNoThrow);
}

// ---- connect ----

Task<Result<std::vector<ConnectedAccount>>> FacebookNetwork::DiscoverAccounts(
    oauth::TokenSet tokens) {
  co_return co_await DiscoverMetaAccounts(http(), errors(), clock(), options_.login, kFacebookId,
                                          std::move(tokens));
}

Task<Result<ConnectedAccount>> FacebookNetwork::Identify(oauth::TokenSet tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<ConnectedAccount> all,
                             co_await DiscoverAccounts(std::move(tokens)));
  for (auto& a : all) {
    if (a.platform.empty()) co_return std::move(a);
  }
  co_return base::FailedPrecondition(
      "the Facebook user who signed in granted herald no Page; sign in again and select the "
      "Pages herald may publish to");
}

// ---- publish ----

Task<Result<std::optional<std::string>>> FacebookNetwork::FindPost(AccountContext& account,
                                                                   const std::string& text,
                                                                   int64_t since_ms) {
  GraphCall c = Get("/" + account.external_id + "/published_posts",
                    {{"fields", "id,message,created_time,permalink_url"},
                     {"limit", std::to_string(options_.find_limit)}},
                    "looking up the Page's recent posts");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Api(account, std::move(c)));
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<ListedPost> posts, ParsePostList(r.body));
  for (const ListedPost& p : posts) {
    if (p.created_at && UnixMillis(*p.created_at) < since_ms) continue;
    if (p.message == text) co_return std::optional<std::string>(p.id);
  }
  co_return std::optional<std::string>();
}

Task<std::string> FacebookNetwork::Permalink(AccountContext& account, const std::string& id,
                                             bool reel) {
  GraphCall c = Get("/" + id, {{"fields", "permalink_url"}}, "reading the post's link");
  auto r = co_await Api(account, std::move(c));
  std::string url = r.ok() ? ParsePermalink(r->body) : "";
  if (url.rfind("/", 0) == 0) url = "https://www.facebook.com" + url;
  co_return url.empty() ? PostUrl(id, reel) : url;
}

Task<Result<std::string>> FacebookNetwork::PublishReel(PublishRequest& request, Json& state,
                                                       const MediaItem& video,
                                                       const std::string& text) {
  AccountContext& account = request.account;
  const std::string page = account.external_id;
  HERALD_CO_ASSIGN_OR_RETURN(std::string url, UrlOf(video));
  std::string video_id = base::GetString(state, "reel");
  if (video_id.empty()) {
    GraphCall start = Post("/" + page + "/video_reels", {{"upload_phase", "start"}},
                           "starting the reel upload");
    start.kind = CallKind::kRead;  // an unused upload session publishes nothing
    HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Api(account, std::move(start)));
    HERALD_CO_ASSIGN_OR_RETURN(ReelUpload upload, ParseReelStart(r.body));
    video_id = upload.video_id;
    state["reel"] = video_id;
    state["reel_upload_url"] = upload.upload_url;
    if (request.save_remote_state) HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));
  }
  // Facebook fetches the bytes from herald's URL (header file_url).
  GraphCall transfer;
  transfer.method = "POST";
  transfer.url = base::GetString(state, "reel_upload_url");
  transfer.auth_scheme = "OAuth";
  transfer.headers = {{"file_url", url}};
  transfer.action = "uploading " + video.file_name;
  transfer.timeout = options_.upload_timeout;
  HERALD_CO_RETURN_IF_ERROR(co_await Api(account, std::move(transfer)));
  if (request.report_progress) request.report_progress(video.size, video.size);
  GraphCall finish = Post("/" + page + "/video_reels",
                          {{"upload_phase", "finish"},
                           {"video_id", video_id},
                           {"video_state", "PUBLISHED"},
                           {"description", text}},
                          "publishing the reel");
  HERALD_CO_RETURN_IF_ERROR(co_await Api(account, std::move(finish)));
  for (int i = 0; i < options_.max_video_checks; ++i) {
    if (i > 0) co_await Pause(options_.video_check_every);
    GraphCall check = Get("/" + video_id, {{"fields", "status"}}, "checking the reel");
    HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Api(account, std::move(check)));
    HERALD_CO_ASSIGN_OR_RETURN(VideoStatus s, ParseVideoStatus(r.body));
    if (s.video_status == "ready") break;
    if (s.video_status == "error") {
      co_return base::InvalidArgument("Facebook could not process the reel " + video.file_name +
                                      (s.error.empty() ? "" : ": " + s.error));
    }
  }
  // Still processing after the checks: Facebook publishes it when done.
  co_return video_id;
}

Task<Result<PublishReceipt>> FacebookNetwork::Publish(PublishRequest request) {
  const std::string missing = MissingPublishRight(request.content.account_settings,
                                                  request.account.handle);
  if (!missing.empty()) co_return base::PermissionDenied(missing);
  ValidationReport report = Validate(request.content);
  if (!report.ok()) co_return FirstViolation(report);
  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  AccountContext& account = request.account;
  const std::string page = account.external_id;
  if (!base::GetString(state, "post_id").empty()) {  // an earlier attempt finished
    co_return PublishReceipt{base::GetString(state, "post_id"), base::GetString(state, "url"), state};
  }
  if (!state.contains("attempt_at")) state["attempt_at"] = UnixMillis(clock().Now());
  if (request.save_remote_state) HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));
  const std::string& text = request.content.parts[0].text;
  const std::vector<MediaItem>& media = request.content.parts[0].media;
  const bool reel = base::GetString(request.content.options, "type") == "reel";

  std::optional<HttpResponse> sent;
  std::string post_id;
  if (reel) {
    HERALD_CO_ASSIGN_OR_RETURN(post_id, co_await PublishReel(request, state, media[0], text));
  } else if (media.size() == 1 && IsVideoItem(media[0])) {
    HERALD_CO_ASSIGN_OR_RETURN(std::string url, UrlOf(media[0]));
    GraphCall c = Post("/" + page + "/videos", {{"file_url", url}, {"description", text}},
                       "publishing the video", true);
    c.duplicate_ok = true;
    c.timeout = options_.upload_timeout;
    HERALD_CO_ASSIGN_OR_RETURN(sent, co_await Api(account, std::move(c)));
  } else if (media.size() == 1) {
    HERALD_CO_ASSIGN_OR_RETURN(std::string url, UrlOf(media[0]));
    GraphCall c = Post("/" + page + "/photos", {{"url", url}, {"caption", text}},
                       "publishing the photo");
    c.duplicate_ok = true;
    c.timeout = options_.upload_timeout;
    HERALD_CO_ASSIGN_OR_RETURN(sent, co_await Api(account, std::move(c)));
  } else {
    http::FormFields form = {{"message", text}};
    if (!media.empty()) {
      // Each photo unpublished first (reused when an earlier attempt uploaded it).
      if (!state.contains("photos") || !state["photos"].is_object()) state["photos"] = Json::object();
      std::vector<std::string> ids;
      for (size_t i = 0; i < media.size(); ++i) {
        const std::string key = MediaKey(media[i], i);
        std::string id = base::GetString(state["photos"], key);
        if (id.empty()) {
          HERALD_CO_ASSIGN_OR_RETURN(std::string url, UrlOf(media[i]));
          GraphCall c = Post("/" + page + "/photos", {{"url", url}, {"published", "false"}},
                             "uploading " + media[i].file_name);
          c.kind = CallKind::kRead;  // an unpublished photo shows nowhere
          c.timeout = options_.upload_timeout;
          HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Api(account, std::move(c)));
          HERALD_CO_ASSIGN_OR_RETURN(id, meta::ParseId(r.body));
          state["photos"][key] = id;
          if (request.save_remote_state) {
            HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));
          }
          if (request.report_progress) {
            request.report_progress(static_cast<int64_t>(i + 1),
                                    static_cast<int64_t>(media.size()));
          }
        }
        ids.push_back(id);
      }
      form.emplace_back("attached_media", AttachedMedia(ids));
    } else if (std::string link = FirstLink(text); !link.empty()) {
      form.emplace_back("link", link);
    }
    GraphCall c = Post("/" + page + "/feed", std::move(form), "publishing the post");
    c.duplicate_ok = true;
    HERALD_CO_ASSIGN_OR_RETURN(sent, co_await Api(account, std::move(c)));
  }
  if (sent && sent->status >= 300) {
    // (#506): an earlier attempt made this post; find it.
    auto found = co_await FindPost(account, text,
                                   state["attempt_at"].get<int64_t>() -
                                       options_.find_slack.count() * 1000);
    if (!found.ok()) co_return LookupFailedError(std::move(found).error(), "Facebook");
    if (!found->has_value()) {
      co_return base::Unknown(
          "Facebook says this post duplicates an existing one, which herald could not find "
          "among the Page's recent posts");
    }
    post_id = **found;
  } else if (sent) {
    HERALD_CO_ASSIGN_OR_RETURN(post_id, ParsePostId(sent->body));
  }
  PublishReceipt receipt;
  receipt.external_id = post_id;
  receipt.url = co_await Permalink(account, post_id, reel);
  state["post_id"] = post_id;
  state["url"] = receipt.url;
  receipt.remote_state = std::move(state);
  co_return receipt;
}

Task<Result<std::optional<PublishReceipt>>> FacebookNetwork::Find(PublishRequest request) {
  const Json& state = request.remote_state;
  if (request.content.parts.empty() || !state.is_object()) co_return std::optional<PublishReceipt>();
  if (!base::GetString(state, "post_id").empty()) {
    co_return std::optional<PublishReceipt>(
        PublishReceipt{base::GetString(state, "post_id"), base::GetString(state, "url"), state});
  }
  // The attempt's time is saved before anything is sent: without it, nothing was.
  if (!state.contains("attempt_at") || !state["attempt_at"].is_number_integer()) {
    co_return std::optional<PublishReceipt>();
  }
  const bool reel = base::GetString(request.content.options, "type") == "reel";
  auto found = co_await FindPost(request.account, request.content.parts[0].text,
                                 state["attempt_at"].get<int64_t>() -
                                     options_.find_slack.count() * 1000);
  if (!found.ok()) co_return LookupFailedError(std::move(found).error(), "Facebook");
  if (!found->has_value()) co_return std::optional<PublishReceipt>();
  PublishReceipt receipt;
  receipt.external_id = **found;
  receipt.url = co_await Permalink(request.account, receipt.external_id, reel);
  receipt.remote_state = state;
  receipt.remote_state["post_id"] = receipt.external_id;
  receipt.remote_state["url"] = receipt.url;
  co_return std::optional<PublishReceipt>(std::move(receipt));
}

// ---- delete and metrics ----

Task<Result<void>> FacebookNetwork::Delete(AccountContext account, PublishReceipt receipt) {
  GraphCall c;
  c.method = "DELETE";
  c.url = graph_.Versioned("/" + receipt.external_id);
  c.action = "deleting the post";
  c.kind = CallKind::kDelete;
  c.timeout = options_.login.request_timeout;
  auto r = co_await Api(account, std::move(c));
  if (!r.ok()) {
    // Already gone: Graph's "object does not exist" (code 100, subcode 33).
    if (r.error().detail().find("\"error_subcode\":33") != std::string::npos) co_return base::Ok();
    co_return std::move(r).error();
  }
  co_return base::Ok();
}

Task<Result<Json>> FacebookNetwork::FetchPostMetrics(AccountContext account,
                                                     PublishReceipt receipt) {
  const std::string& id = receipt.external_id;
  GraphCall insights_call = Get("/" + id + "/insights",
                                {{"metric",
                                  "post_media_view,post_total_media_view_unique,"
                                  "post_reactions_by_type_total,post_clicks"}},
                                "reading the post insights");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Api(account, std::move(insights_call)));
  HERALD_CO_ASSIGN_OR_RETURN(Json insights, ParseInsights(r.body));
  GraphCall counts_call =
      Get("/" + id, {{"fields", "shares,comments.summary(true),reactions.summary(true)"}},
          "reading the post counts");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse f, co_await Api(account, std::move(counts_call)));
  auto counts = base::ParseJson(f.body);
  Json out{{"views", insights.value("post_media_view", 0)},
           {"reach", insights.value("post_total_media_view_unique", 0)},
           {"likes", insights.value("post_reactions_by_type_total", 0)},
           {"clicks", insights.value("post_clicks", 0)},
           {"reposts", 0},
           {"replies", 0}};
  if (counts.ok() && counts->is_object()) {
    const Json& c = *counts;
    if (c.contains("shares") && c["shares"].is_object()) out["reposts"] = c["shares"].value("count", 0);
    if (c.contains("comments") && c["comments"].is_object() && c["comments"].contains("summary")) {
      out["replies"] = c["comments"]["summary"].value("total_count", 0);
    }
  }
  co_return out;
}

Task<Result<Json>> FacebookNetwork::FetchAccountMetrics(AccountContext account) {
  GraphCall c = Get("/" + account.external_id, {{"fields", "followers_count,fan_count"}},
                    "reading the Page's followers");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Api(account, std::move(c)));
  auto j = base::ParseJson(r.body);
  if (!j.ok() || !j->is_object()) {
    co_return base::Unavailable("Facebook sent an unreadable answer about the Page's followers");
  }
  co_return Json{{"followers", j->value("followers_count", j->value("fan_count", 0))}};
}

LoginOptions LoginOptionsFrom(const PlatformEnv& env, std::string_view id) {
  LoginOptions o;
  o.api_url = env.ApiUrl(id, env.ApiUrl(kFacebookId));
  o.auth_url = env.AuthUrl(id, env.AuthUrl(kFacebookId));
  o.client = env.ClientFor(id);
  if (o.client.client_id.empty()) o.client = env.ClientFor(kFacebookId);
  return o;
}

std::unique_ptr<Platform> MakeFacebookPlatform(const PlatformEnv& env) {
  if (env.http == nullptr || env.clock == nullptr) return nullptr;
  FacebookOptions options;
  options.login = LoginOptionsFrom(env, kFacebookId);
  return std::make_unique<FacebookNetwork>(std::move(options), *env.http, *env.clock);
}

}  // namespace herald::platforms::facebook
