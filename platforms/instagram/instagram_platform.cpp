#include "platforms/instagram/instagram_platform.h"

#include "platforms/facebook/facebook_platform.h"
#include "platforms/facebook/facebook_wire.h"
#include "platforms/instagram/instagram_wire.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/media_bytes.h"
#include "platforms/kit/post_validator.h"
#include "platforms/meta/graph_errors.h"
#include "platforms/register_all.h"
#include "platforms/text/length_rules.h"

namespace herald::platforms::instagram {
namespace {

constexpr double kMinFeedAspect = 0.8;  // 4:5

std::string Count(size_t n, std::string_view one) {
  return std::to_string(n) + " " + std::string(one) + (n == 1 ? "" : "s");
}

meta::ContainerFlow Flow(const InstagramOptions& options) {
  meta::ContainerFlow f;
  f.network = "Instagram";
  f.create_edge = "media";
  f.publish_edge = "media_publish";
  f.state_field = "status_code";
  f.reason_field = "status";
  f.limit_edge = "content_publishing_limit";
  f.recent_edge = "media";
  f.text_field = "caption";
  f.recent_fields = "id,caption,permalink,timestamp";
  f.max_checks = options.max_checks;
  f.check_every = options.check_every;
  return f;
}

}  // namespace

Json InstagramOptionsSchema() {
  return Json{
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"type",
         {{"type", "string"},
          {"enum", Json::array({"feed", "carousel", "reel", "story"})},
          {"description",
           "feed (default): one image, one video (published as a reel) or 2 to 10 items as a "
           "carousel; carousel: 2 to 10 images and videos; reel: one video of 3 s to 15 min; "
           "story: one image or video, without caption"}}}}}};
}

InstagramNetwork::InstagramNetwork(InstagramOptions options, HttpClient& http,
                                   const base::Clock& clock)
    : OAuthNetworkBase(facebook::LoginProvider(facebook::kInstagramId, "Instagram",
                                               options.login),
                       http, clock, meta::GraphErrorOptions("Instagram")),
      options_(std::move(options)),
      graph_(options_.login.api_url, facebook::kGraphOrigin, meta::kGraphVersion),
      publisher_(Flow(options_), clock, options_.pause) {
  info_.id = std::string(facebook::kInstagramId);
  info_.name = "Instagram";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kMaxCaption, 0, "characters", 0};
  MediaRules& m = info_.media;
  m.max_items = kMaxCarousel;
  m.max_image_bytes = 8LL * 1024 * 1024;
  m.max_video_bytes = 300LL * 1024 * 1024;
  m.mime_types = {"image/jpeg", "video/mp4", "video/quicktime"};  // JPEG only: PNG is converted
  // 9:16 (reels, stories) to 1.91:1; feed and carousel images are 4:5 at the narrowest,
  // checked in Validate (MediaRules hold one range for every kind).
  m.min_aspect_ratio = 9.0 / 16;
  m.max_aspect_ratio = 1.91;
  m.min_video_duration_ms = 3'000;
  m.max_video_duration_ms = 15LL * 60 * 1000;
  m.max_frame_rate = 60;
  m.video_codecs = {"h264", "hevc"};
  m.audio_codecs = {"aac"};
  m.fetch_by_url = true;
  info_.features = facebook::PageTokenFeatures(false);  // the Instagram API offers no delete
  info_.options_schema = InstagramOptionsSchema();
}

// ---- validation ----

ValidationReport InstagramNetwork::Validate(const Content& content) const {
  PostRules rules;
  rules.text = text::LengthRule{info_.name, kMaxCaption, text::LengthUnit::kCodePoints};
  rules.needs = "an image or a video";
  rules.empty_part = "Instagram posts need an image or a video";
  rules.media = info_.media;
  ValidationReport report = PostValidator(std::move(rules)).Validate(content);
  if (content.parts.empty()) return report;
  facebook::RefuseThread(content, "Instagram", report);
  const PostPart& post = content.parts[0];
  for (Violation& v : CaptionViolations(post.text)) report.violations.push_back(std::move(v));
  const std::string type = base::GetString(content.options, "type", "feed");
  const std::string field = "platform_options.instagram.type";
  const size_t n = post.media.size();
  if (n == 0) {
    report.violations.push_back(
        {"media", "Instagram posts need an image or a video" +
                      std::string(type == "story" ? " (a story is one image or video)" : "") +
                      "; this post has text only"});
  }
  switch (KindOf(type, post.media)) {
    case PostKind::kCarousel:
      if (n < static_cast<size_t>(kMinCarousel) || n > static_cast<size_t>(kMaxCarousel)) {
        report.violations.push_back(
            {type == "carousel" ? field : "media",
             "an Instagram carousel has 2 to 10 images or videos; this post has " +
                 Count(n, "item")});
      }
      break;
    case PostKind::kReel:
      if (n > 0 && (n != 1 || !IsVideoItem(post.media[0]))) {
        report.violations.push_back(
            {field, "an Instagram reel is one video (3 s to 15 min); this post has " +
                        Count(n, "media item") + (n == 1 ? " that is not a video" : "")});
      }
      break;
    case PostKind::kStory:
      if (n > 1) {
        report.violations.push_back(
            {field, "an Instagram story is one image or video; this post has " +
                        Count(n, "media item")});
      }
      if (!post.text.empty()) {
        report.violations.push_back(
            {"text", "Instagram stories take no caption; remove the text (or post as feed)"});
      }
      break;
    case PostKind::kImage:
      break;
  }
  if (KindOf(type, post.media) == PostKind::kImage ||
      KindOf(type, post.media) == PostKind::kCarousel) {
    for (size_t i = 0; i < post.media.size(); ++i) {
      const MediaProbe& p = post.media[i].probe;
      if (IsVideoItem(post.media[i]) || p.width <= 0 || p.height <= 0) continue;
      const double ratio = static_cast<double>(p.width) / p.height;
      if (ratio < kMinFeedAspect - 0.01 && content.fit == MediaFit::kNone) {
        report.violations.push_back(
            {PartField(0, "media[" + std::to_string(i) + "]"),
             "the image is " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                 ", narrower than the 4:5 to 1.91:1 Instagram takes in the feed; crop it to 4:5 "
                 "or post it as a story"});
      }
    }
  }
  const std::string missing = MissingPublishRight(
      content.account_settings, base::GetString(content.account_settings, "instagram_username"));
  if (!missing.empty()) report.violations.push_back({"account", missing});
  return report;
}

// ---- HTTP ----

meta::GraphCaller InstagramNetwork::Caller(AccountContext& account) {
  return [this, &account](meta::GraphRequest req) -> Task<Result<HttpResponse>> {
    facebook::GraphCall call;
    call.method = req.method;
    call.url = graph_.Versioned(req.path, req.query);
    call.form = std::move(req.form);
    call.action = std::move(req.action);
    call.kind = req.kind;
    call.timeout = options_.login.request_timeout;
    co_return co_await WithToken<HttpResponse>(
        account, [&](std::string token) -> Task<Result<HttpResponse>> {
          facebook::GraphCall c = call;
          c.token = std::move(token);
          co_return co_await facebook::SendGraph(http(), errors(), clock(), std::move(c));
        });
  };
}

Task<Result<HttpResponse>> InstagramNetwork::Get(AccountContext& account, std::string path,
                                                 http::FormFields query, std::string action) {
  meta::GraphRequest req;
  req.path = std::move(path);
  req.query = std::move(query);
  req.action = std::move(action);
  const meta::GraphCaller call = Caller(account);
  co_return co_await call(std::move(req));
}

Result<meta::ContainerPost> InstagramNetwork::PostOf(const Content& content) const {
  const PostPart& part = content.parts.at(0);
  return BuildPost(KindOf(base::GetString(content.options, "type", "feed"), part.media),
                   part.text, part.media);
}

// ---- connect ----

Task<Result<std::vector<ConnectedAccount>>> InstagramNetwork::DiscoverAccounts(
    oauth::TokenSet tokens) {
  co_return co_await facebook::DiscoverMetaAccounts(http(), errors(), clock(), options_.login,
                                                    facebook::kInstagramId, std::move(tokens));
}

Task<Result<ConnectedAccount>> InstagramNetwork::Identify(oauth::TokenSet tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<ConnectedAccount> all,
                             co_await DiscoverAccounts(std::move(tokens)));
  for (auto& a : all) {
    if (a.platform.empty()) co_return std::move(a);
  }
  co_return base::FailedPrecondition(
      "none of the Facebook Pages granted to herald has an Instagram professional account "
      "linked to it; link the Instagram account to a Page in Meta Business Suite, then sign in "
      "again and select that Page");
}

// ---- publish ----

Task<Result<PublishReceipt>> InstagramNetwork::Publish(PublishRequest request) {
  const std::string missing =
      MissingPublishRight(request.content.account_settings, request.account.handle);
  if (!missing.empty()) co_return base::PermissionDenied(missing);
  ValidationReport report = Validate(request.content);
  if (!report.ok()) co_return facebook::FirstViolation(report);
  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  if (std::string done = base::GetString(state, "media_id"); !done.empty()) {
    co_return PublishReceipt{done, base::GetString(state, "url"), state};
  }
  HERALD_CO_ASSIGN_OR_RETURN(meta::ContainerPost post, PostOf(request.content));
  Json slot = state.value("slot", Json::object());
  const std::string ig = request.account.external_id;
  const meta::GraphCaller call = Caller(request.account);
  if (base::GetString(slot, "container").empty()) {
    // The daily limit first: past it, nothing is sent and the post waits for the window.
    auto limit = co_await publisher_.CheckLimit(call, ig);
    if (!limit.ok()) co_return std::move(limit).error();
  }
  auto save = [&]() -> Result<void> {
    state["slot"] = slot;
    return request.save_remote_state ? request.save_remote_state(state) : base::Ok();
  };
  auto published = co_await publisher_.Publish(call, ig, post, slot, save);
  state["slot"] = slot;
  if (!published.ok()) co_return std::move(published).error();
  std::string url = published->permalink;
  if (url.empty()) {
    http::FormFields query = {{"fields", "permalink"}};
    auto r = co_await Get(request.account, "/" + published->media_id, std::move(query),
                          "reading the post's link");
    if (r.ok()) {
      auto j = base::ParseJson(r->body);
      if (j.ok() && j->is_object()) url = base::GetString(*j, "permalink");
    }
  }
  state["media_id"] = published->media_id;
  state["url"] = url;
  co_return PublishReceipt{published->media_id, url, state};
}

Task<Result<std::optional<PublishReceipt>>> InstagramNetwork::Find(PublishRequest request) {
  const Json& state = request.remote_state;
  if (request.content.parts.empty() || !state.is_object()) co_return std::optional<PublishReceipt>();
  if (std::string done = base::GetString(state, "media_id"); !done.empty()) {
    co_return std::optional<PublishReceipt>(
        PublishReceipt{done, base::GetString(state, "url"), state});
  }
  meta::ContainerPost post;  // only the caption matters to the lookup
  const PostPart& part = request.content.parts[0];
  post.text = KindOf(base::GetString(request.content.options, "type", "feed"), part.media) ==
                      PostKind::kStory
                  ? ""
                  : part.text;
  const meta::GraphCaller call = Caller(request.account);
  auto found = co_await publisher_.FindPublished(call, request.account.external_id, post,
                                                 state.value("slot", Json::object()));
  if (!found.ok()) co_return std::move(found).error();
  if (!found->has_value()) co_return std::optional<PublishReceipt>();
  PublishReceipt receipt;
  receipt.external_id = (*found)->media_id;
  receipt.url = (*found)->permalink;
  receipt.remote_state = state;
  receipt.remote_state["media_id"] = receipt.external_id;
  receipt.remote_state["url"] = receipt.url;
  co_return std::optional<PublishReceipt>(std::move(receipt));
}

// ---- delete and metrics ----

Task<Result<void>> InstagramNetwork::Delete(AccountContext, PublishReceipt) {
  co_return base::Unimplemented(
      "the Instagram API cannot delete posts; delete it in the Instagram app");
}

Task<Result<Json>> InstagramNetwork::FetchPostMetrics(AccountContext account,
                                                      PublishReceipt receipt) {
  http::FormFields query = {{"metric", "views,reach,likes,comments,shares,saved"}};
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                             co_await Get(account, "/" + receipt.external_id + "/insights",
                                          std::move(query), "reading the post insights"));
  HERALD_CO_ASSIGN_OR_RETURN(Json m, facebook::ParseInsights(r.body));
  co_return Json{{"views", m.value("views", 0)},   {"reach", m.value("reach", 0)},
                 {"likes", m.value("likes", 0)},   {"replies", m.value("comments", 0)},
                 {"reposts", m.value("shares", 0)}, {"saves", m.value("saved", 0)}};
}

Task<Result<Json>> InstagramNetwork::FetchAccountMetrics(AccountContext account) {
  http::FormFields query = {{"fields", "followers_count,follows_count,media_count"}};
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r,
                             co_await Get(account, "/" + account.external_id, std::move(query),
                                          "reading the account's followers"));
  auto j = base::ParseJson(r.body);
  if (!j.ok() || !j->is_object()) {
    co_return base::Unavailable("Instagram sent an unreadable answer about the account");
  }
  co_return Json{{"followers", j->value("followers_count", 0)},
                 {"following", j->value("follows_count", 0)},
                 {"posts", j->value("media_count", 0)}};
}

std::unique_ptr<Platform> MakeInstagramPlatform(const PlatformEnv& env) {
  if (env.http == nullptr || env.clock == nullptr) return nullptr;
  InstagramOptions options;
  options.login = facebook::LoginOptionsFrom(env, facebook::kInstagramId);
  return std::make_unique<InstagramNetwork>(std::move(options), *env.http, *env.clock);
}

}  // namespace herald::platforms::instagram
