#include "platforms/threads/threads_platform.h"

#include <utility>

#include "platforms/http/form_urlencoded.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/thread_publisher.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/meta/graph_errors.h"
#include "platforms/register_all.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::threads {
namespace {

constexpr int64_t kMaxImageBytes = 8LL * 1024 * 1024;
constexpr int64_t kMaxVideoBytes = 1024LL * 1024 * 1024;

const ThreadPublisher& Parts() {
  static const ThreadPublisher* parts =
      new ThreadPublisher("Threads", ThreadPublisher::IdUrlLayout());
  return *parts;
}

// The text as Threads counts it, for the kit's code-point counting: every emoji replaced by as
// many placeholders as its UTF-8 bytes.
std::string AsThreadsCounts(std::string_view text) {
  std::string out;
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    (void)text::DecodeUtf8(text, pos);
    if (pos <= start) pos = start + 1;
    std::string_view one = text.substr(start, pos - start);
    const int units = ThreadsTextLength(one);
    if (units == 1) {
      out += one;
    } else {
      out.append(static_cast<size_t>(units), 'x');
    }
  }
  return out;
}

Json& SlotOf(Json& state, size_t index) {
  if (!state.contains("containers") || !state["containers"].is_object()) {
    state["containers"] = Json::object();
  }
  Json& slot = state["containers"][std::to_string(index)];
  if (!slot.is_object()) slot = Json::object();
  return slot;
}

}  // namespace

oauth::OAuthProvider ThreadsProvider(std::string_view api_url, std::string_view auth_url) {
  const meta::GraphUrl api(api_url, kThreadsApiUrl, meta::kThreadsVersion);
  const std::string auth = meta::OriginOf(auth_url.empty() ? kThreadsAuthUrl : auth_url);
  oauth::OAuthProvider p = oauth::MakeProvider(
      kThreadsNetworkId, "Threads", auth + "/oauth/authorize",
      api.Unversioned("/oauth/access_token"), ThreadsScopes(), oauth::ClientAuthMethod::kPost,
      /*pkce=*/false);
  p.scope_separator = ",";
  p.long_lived_exchange = oauth::AccessTokenExchange{api.Unversioned("/access_token"),
                                                     "th_exchange_token", "access_token",
                                                     /*send_client_id=*/false,
                                                     /*send_client_secret=*/true};
  p.access_token_renewal = oauth::AccessTokenExchange{api.Unversioned("/refresh_access_token"),
                                                      "th_refresh_token", "access_token"};
  // Long-lived tokens last 60 days and must be a day old to be renewed: renew in the last 10.
  p.refresh_margin = std::chrono::hours(24 * 10);
  return p;
}

ThreadsPlatform::ThreadsPlatform(oauth::OAuthProvider provider, HttpClient& http,
                                 const base::Clock& clock, ThreadsOptions options)
    : OAuthNetworkBase(std::move(provider), http, clock, meta::GraphErrorOptions("Threads")),
      options_(std::move(options)),
      graph_(options_.api_url, kThreadsApiUrl, meta::kThreadsVersion),
      validator_(PostRules{}),
      containers_(
          [this] {
            meta::ContainerFlow f = ThreadsContainerFlow();
            f.max_checks = options_.max_container_checks;
            f.check_every = options_.check_every;
            return f;
          }(),
          clock, options_.pause) {
  info_.id = std::string(kThreadsNetworkId);
  info_.name = "Threads";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kThreadsMaxText, 0, "characters", 0};
  MediaRules& m = info_.media;
  m.max_items = kThreadsMaxCarousel;
  m.max_image_bytes = kMaxImageBytes;
  m.mime_types = {"image/jpeg", "image/png", "video/mp4", "video/quicktime"};
  m.max_alt_text = 1000;
  m.max_video_bytes = kMaxVideoBytes;
  m.max_video_duration_ms = 300'000;
  m.max_width = 1440;
  m.min_aspect_ratio = 0.1;
  m.max_aspect_ratio = 10;
  m.max_frame_rate = 60;
  m.video_codecs = {"h264", "hevc"};
  m.audio_codecs = {"aac"};
  m.fetch_by_url = true;
  info_.features.threads = true;
  info_.features.delete_posts = true;
  info_.features.post_metrics = true;
  info_.features.account_metrics = true;
  info_.features.idempotency = IdempotencyKind::kReconcile;
  PostRules r;
  r.text = {"Threads", kThreadsMaxText, text::LengthUnit::kCodePoints, 0};
  r.before_counting = [](std::string_view t) { return AsThreadsCounts(t); };
  r.over_limit_hint = " (Threads counts an emoji as its UTF-8 bytes)";
  r.needs = r.empty_part = "Threads needs text or media";
  r.media = info_.media;
  validator_ = PostValidator(std::move(r));
}

ValidationReport ThreadsPlatform::Validate(const Content& content) const {
  return validator_.Validate(content);
}

Task<Result<HttpResponse>> ThreadsPlatform::CallWith(const std::string& token,
                                                     const meta::GraphRequest& request,
                                                     const std::vector<int>& pass) {
  HttpRequest req;
  req.method = request.method;
  req.url = graph_.Versioned(request.path, request.query);
  req.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (request.method == "POST") {
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = http::FormUrlEncode(request.form);
  }
  req.connect_timeout = options_.connect_timeout;
  req.total_timeout = options_.request_timeout;
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Send(std::move(req), request.kind));
  if (r.status >= 200 && r.status <= 299) co_return r;
  for (int s : pass) {
    if (r.status == s) co_return r;
  }
  co_return errors().FromResponse(r, request.action, clock().Now(), token);
}

Task<Result<HttpResponse>> ThreadsPlatform::Call(AccountContext& account,
                                                 meta::GraphRequest request,
                                                 std::vector<int> pass) {
  co_return co_await WithToken<HttpResponse>(
      account, [&](std::string token) -> Task<Result<HttpResponse>> {
        co_return co_await CallWith(token, request, pass);
      });
}

meta::GraphCaller ThreadsPlatform::CallerFor(AccountContext& account) {
  return [this, &account](meta::GraphRequest request) -> Task<Result<HttpResponse>> {
    co_return co_await Call(account, std::move(request));
  };
}

Task<Result<ConnectedAccount>> ThreadsPlatform::Identify(oauth::TokenSet tokens) {
  meta::GraphRequest req;
  req.path = "/me";
  req.query = {{"fields", "id,username,name"}};
  req.action = "reading the account";
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await CallWith(tokens.access_token, req, {}));
  HERALD_CO_ASSIGN_OR_RETURN(ThreadsUser user, ParseUser(r.body));
  ConnectedAccount out;
  out.external_id = user.id;
  out.handle = "@" + user.username;
  out.display_name = user.name.empty() ? user.username : user.name;
  out.base_url = graph_.origin();
  out.settings = Json{{"username", user.username}};
  out.token_expires_at = tokens.expires_at;
  co_return out;
}

Task<std::string> ThreadsPlatform::Permalink(AccountContext& account, const std::string& media_id,
                                             const std::string& known) {
  if (!known.empty()) co_return known;
  meta::GraphRequest req;
  req.path = "/" + media_id;
  req.query = {{"fields", "id,permalink"}};
  req.action = "reading the post's link";
  auto r = co_await Call(account, std::move(req));
  std::string link = r.ok() ? ParsePermalink(r->body) : "";
  co_return link.empty() ? PostUrl(AccountUsername(account), media_id) : link;
}

Task<Result<PublishReceipt>> ThreadsPlatform::Publish(PublishRequest request) {
  if (request.content.parts.empty()) {
    co_return base::InvalidArgument("the post is empty: nothing to publish");
  }
  for (const PostPart& part : request.content.parts) {
    for (const MediaItem& item : part.media) {
      if (item.url.empty()) {
        co_return base::FailedPrecondition(
            "Threads downloads media from herald's public URL, and herald has none for " +
            (item.file_name.empty() ? std::string("a media file") : item.file_name) +
            ": set HERALD_PUBLIC_URL to an address Threads can reach");
      }
    }
  }
  AccountContext& account = request.account;
  const std::string user = account.external_id;
  if (user.empty()) co_return base::Internal("the Threads account has no user id");
  const meta::GraphCaller caller = CallerFor(account);
  Json initial = request.remote_state.is_object() ? request.remote_state : Json::object();
  if (Parts().DoneEntries(initial, 1).empty()) {
    // Nothing of this post is out yet: a spent publishing limit waits before anything is sent.
    HERALD_CO_RETURN_IF_ERROR(co_await containers_.CheckLimit(caller, user));
  }
  PostPartFn post = [&](const PostPart& part, PartContext& ctx) -> Task<Result<Json>> {
    const std::string reply_to = ctx.done->empty() ? "" : base::GetString(ctx.done->back(), "id");
    const meta::ContainerPost container = PartContainer(part, reply_to);
    Json slot = SlotOf(*ctx.state, ctx.index);
    const size_t index = ctx.index;
    auto save = [&ctx, &slot, index]() -> Result<void> {
      SlotOf(*ctx.state, index) = slot;
      return ctx.Save();
    };
    auto published = co_await containers_.Publish(caller, user, container, slot, save);
    SlotOf(*ctx.state, index) = slot;
    if (!published.ok()) co_return std::move(published).error();
    const std::string url = co_await Permalink(account, published->media_id, published->permalink);
    co_return Json{{"id", published->media_id}, {"url", url}};
  };
  HERALD_CO_ASSIGN_OR_RETURN(Json state,
                             co_await Parts().Publish(request, std::move(initial), post));
  co_return Parts().IdUrlReceipt(std::move(state));
}

Task<Result<std::optional<PublishReceipt>>> ThreadsPlatform::Find(PublishRequest request) {
  const size_t n = request.content.parts.size();
  if (n == 0) co_return base::InvalidArgument("the post is empty: nothing to look up");
  AccountContext& account = request.account;
  const meta::GraphCaller caller = CallerFor(account);
  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  Json parts = Parts().DoneEntries(state, n);
  const size_t recorded = parts.size();
  for (size_t i = parts.size(); i < n; ++i) {
    const std::string reply_to = parts.empty() ? "" : base::GetString(parts.back(), "id");
    const Json slot = SlotOf(state, i);
    auto found = co_await containers_.FindPublished(
        caller, account.external_id, PartContainer(request.content.parts[i], reply_to), slot);
    if (!found.ok()) co_return LookupFailedError(std::move(found).error(), "Threads");
    if (!found->has_value()) break;
    const std::string url =
        co_await Permalink(account, (*found)->media_id, (*found)->permalink);
    parts.push_back(Json{{"id", (*found)->media_id}, {"url", url}});
  }
  HERALD_CO_ASSIGN_OR_RETURN(
      std::optional<Json> done,
      Parts().FoundParts(request, std::move(state), std::move(parts), recorded));
  if (!done) co_return std::optional<PublishReceipt>();
  co_return std::optional<PublishReceipt>(Parts().IdUrlReceipt(std::move(*done)));
}

Task<Result<void>> ThreadsPlatform::Delete(AccountContext account, PublishReceipt receipt) {
  std::vector<std::string> ids = Parts().PartIds(receipt);
  if (ids.empty()) co_return base::InvalidArgument("the receipt names no Threads post");
  const std::vector<int> gone = {400};
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    meta::GraphRequest req;
    req.method = "DELETE";
    req.path = "/" + *it;
    req.action = "deleting the post";
    req.kind = CallKind::kDelete;
    HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Call(account, std::move(req), gone));
    if (r.status == 400) {
      // Already gone: Graph says the object does not exist (code 100, subcode 33).
      auto e = meta::ParseGraphError(r.body);
      if (e && e->code == 100 && e->subcode == 33) continue;
      co_return errors().FromResponse(r, "deleting the post", clock().Now());
    }
  }
  co_return base::Ok();
}

Task<Result<Json>> ThreadsPlatform::FetchPostMetrics(AccountContext account,
                                                     PublishReceipt receipt) {
  std::vector<std::string> ids = Parts().PartIds(receipt);
  if (ids.empty()) co_return base::InvalidArgument("the receipt names no Threads post");
  meta::GraphRequest req;
  req.path = "/" + ids.front() + "/insights";
  req.query = {{"metric", "views,likes,replies,reposts,quotes,shares"}};
  req.action = "reading the post's numbers";
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Call(account, std::move(req)));
  co_return ParseInsights(r.body);
}

Task<Result<Json>> ThreadsPlatform::FetchAccountMetrics(AccountContext account) {
  meta::GraphRequest req;
  req.path = "/" + account.external_id + "/threads_insights";
  req.query = {{"metric", "followers_count"}};
  req.action = "reading the account's numbers";
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Call(account, std::move(req)));
  co_return ParseAccountInsights(r.body);
}

std::unique_ptr<Platform> MakeThreadsPlatform(const PlatformEnv& env) {
  if (env.http == nullptr) return nullptr;
  ThreadsOptions options;
  options.api_url = env.ApiUrl(kThreadsNetworkId);
  oauth::OAuthProvider provider = ThreadsProvider(options.api_url, env.AuthUrl(kThreadsNetworkId));
  provider.SetClient(env.ClientFor(kThreadsNetworkId));
  return std::make_unique<ThreadsPlatform>(std::move(provider), *env.http, env.ClockOrSystem(),
                                           std::move(options));
}

}  // namespace herald::platforms::threads
