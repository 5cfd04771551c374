#include "platforms/bluesky/bluesky_platform.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <utility>

#include "base/time.h"
#include "platforms/bluesky/bluesky_wire.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/url_policy.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/post_validator.h"
#include "platforms/kit/thread_publisher.h"
#include "platforms/text/facets.h"
#include "platforms/text/graphemes.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::bluesky {
namespace {

// How lookups name the network.
constexpr std::string_view kNetwork = "Bluesky";

constexpr int kMaxGraphemes = 300;
constexpr int kMaxBytes = 3000;
constexpr int kMaxImages = 4;
constexpr int64_t kMaxImageBytes = 2'000'000;
constexpr int kMaxAltGraphemes = 2000;  // the official app's limit

const std::vector<std::string>& ImageTypes() {
  static const std::vector<std::string> types = {"image/jpeg", "image/png", "image/webp",
                                                 "image/gif"};
  return types;
}

// True if an answer says the access (or refresh) token is expired or unusable.
bool IsTokenProblem(const HttpResponse& r) {
  if (r.status != 400 && r.status != 401) return false;
  const XrpcError e = ParseXrpcError(r.body);
  return e.error == "ExpiredToken" || e.error == "InvalidToken";
}

// remote_state {"did", "parts": [{"uri", "cid", "rkey", "url"}, ...]}: a part is recorded once
// it has a strong ref.
const ThreadPublisher& Threads() {
  static const ThreadPublisher* threads = new ThreadPublisher(
      "Bluesky", {.key = "parts", .usable = [](const Json& p) {
                    return p.is_object() && !base::GetString(p, "uri").empty() &&
                           !base::GetString(p, "cid").empty();
                  }});
  return *threads;
}

Json PartsOf(const Json& remote_state) { return Threads().DoneEntries(remote_state, SIZE_MAX); }

PublishReceipt ReceiptOf(const std::string& did, Json parts) {
  PublishReceipt receipt;
  receipt.external_id = base::GetString(parts.front(), "uri");
  receipt.url = base::GetString(parts.front(), "url");
  receipt.remote_state = Json{{"did", did}, {"parts", std::move(parts)}};
  return receipt;
}

StrongRef RefOf(const Json& part) {
  return {base::GetString(part, "uri"), base::GetString(part, "cid")};
}

}  // namespace

struct BlueskyPlatform::Session {
  std::string service;
  std::string did;
  std::string handle;
  std::string identifier;  // for createSession: the handle (or the DID)
  std::string app_password;
  std::string access;
  std::string refresh;
  std::function<Result<void>(const Json&, std::optional<Time>)> save;

  Json Credentials() const {
    return Json{{"app_password", app_password},
                {"access_jwt", access},
                {"refresh_jwt", refresh},
                {"did", did},
                {"handle", handle}};
  }
};

Result<std::string> NormalizeServiceUrl(std::string_view url) {
  std::string text(url);
  while (!text.empty() && (text.back() == '/' || text.back() == ' ')) text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  if (text.empty()) return std::string(kDefaultServiceUrl);
  if (text.find("://") == std::string::npos) text = "https://" + text;
  if (!boost::urls::parse_absolute_uri(text)) {
    return base::InvalidArgument("service_url \"" + std::string(url) +
                                 "\" is not a valid address (expected https://your.pds)");
  }
  HERALD_ASSIGN_OR_RETURN(http::ParsedUrl parsed, http::ParseUrl(text, "service_url"));
  const std::string& scheme = parsed.scheme;
  if (scheme != "https" && !(scheme == "http" && IsLoopbackHost(parsed.host))) {
    return base::InvalidArgument("service_url must start with https:// (got \"" + std::string(url) +
                                 "\")");
  }
  if (parsed.has_userinfo || parsed.query || parsed.has_fragment ||
      !(parsed.path.empty() || parsed.path == "/")) {
    return base::InvalidArgument(
        "service_url must be just the server address, like https://bsky.social");
  }
  return scheme + "://" + parsed.Authority();
}

BlueskyPlatform::BlueskyPlatform(HttpClient* http, const base::Clock* clock, BlueskyOptions options)
    : http_(http),
      clock_(clock != nullptr ? clock : &base::SystemClock::Instance()),
      options_(options) {
  info_.id = "bluesky";
  info_.name = "Bluesky";
  info_.auth_kind = AuthKind::kAppPassword;
  info_.text.max_length = kMaxGraphemes;
  info_.text.unit = "graphemes";
  info_.media.max_items = kMaxImages;
  info_.media.max_image_bytes = kMaxImageBytes;
  info_.media.mime_types = ImageTypes();
  info_.media.max_alt_text = kMaxAltGraphemes;
  info_.media.alt_text_in_graphemes = true;
  info_.features.threads = true;
  info_.features.delete_posts = true;
  info_.features.post_metrics = true;
  info_.features.account_metrics = true;
  info_.features.idempotency = IdempotencyKind::kNative;
  info_.connect_fields = {"handle", "app_password"};
}

ValidationReport BlueskyPlatform::Validate(const Content& content) const {
  static const PostValidator* validator = [] {
    PostRules r;
    r.text = {"Bluesky", kMaxGraphemes, text::LengthUnit::kGraphemes};
    r.also = text::LengthRule{"Bluesky", kMaxBytes, text::LengthUnit::kBytes};
    r.blank_is_empty = false;
    r.needs = r.empty_part = "Bluesky needs text or images";
    r.media = MediaRules{.max_items = kMaxImages,
                         .max_image_bytes = kMaxImageBytes,
                         .mime_types = ImageTypes(),
                         .max_alt_text = kMaxAltGraphemes,
                         .alt_text_in_graphemes = true};
    return new PostValidator(std::move(r));
  }();
  return validator->Validate(content);
}

Result<BlueskyPlatform::Session> BlueskyPlatform::SessionFor(const AccountContext& account) const {
  std::string base = account.base_url;
  if (base.empty()) base = base::GetString(account.settings, "service_url");
  HERALD_ASSIGN_OR_RETURN(std::string service, NormalizeServiceUrl(base));
  Session s;
  s.service = std::move(service);
  const Json& c = account.credentials;
  s.did = base::GetString(c, "did", account.external_id);
  s.handle = base::GetString(c, "handle", account.handle);
  s.identifier = !s.handle.empty() ? s.handle : s.did;
  s.app_password = base::GetString(c, "app_password");
  s.access = base::GetString(c, "access_jwt");
  s.refresh = base::GetString(c, "refresh_jwt");
  s.save = account.save_credentials;
  if (s.did.empty() || (s.app_password.empty() && s.refresh.empty())) {
    return base::Unauthenticated(
        "the Bluesky account has no usable credentials; connect it again with an app password");
  }
  return s;
}

Task<Result<HttpResponse>> BlueskyPlatform::Send(std::string method, std::string url,
                                                 std::string bearer, std::string body,
                                                 std::string content_type) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers.emplace_back("Accept", "application/json");
  if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  request.body = std::move(body);
  request.connect_timeout = options_.connect_timeout;
  request.total_timeout = options_.request_timeout;
  co_return co_await http_->Send(std::move(request));
}

Task<Result<void>> BlueskyPlatform::Refresh(Session* s) {
  const std::string base = s->service + "/xrpc/";
  std::optional<HttpResponse> answer;
  if (!s->refresh.empty()) {
    auto r = co_await Send("POST", base + "com.atproto.server.refreshSession", s->refresh, "", "");
    if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
    if (r->status != 200 && !IsTokenProblem(*r) && r->status != 401) {
      co_return ErrorFromResponse(*r, "refreshing the session", clock_->Now());
    }
    if (r->status == 200) answer = std::move(*r);
  }
  if (!answer) {
    // The refresh token is gone too: start a new session with the app password.
    if (s->app_password.empty()) {
      co_return base::Unauthenticated(
          "the Bluesky session expired and no app password is stored; connect the account again");
    }
    Json body{{"identifier", s->identifier}, {"password", s->app_password}};
    auto r = co_await Send("POST", base + "com.atproto.server.createSession", "",
                           base::DumpJson(body), "application/json");
    if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
    if (r->status != 200) {
      base::Error e = ErrorFromResponse(*r, "the app password", clock_->Now());
      if (e.code() == base::ErrorCode::kUnauthenticated) {
        co_return base::Unauthenticated(e.message() +
                                        "; connect the account again with a new "
                                        "app password")
            .set_detail(e.detail());
      }
      co_return e;
    }
    answer = std::move(*r);
  }
  HERALD_CO_ASSIGN_OR_RETURN(BlueskySession session, ParseSession(answer->body));
  s->access = session.access_jwt;
  s->refresh = session.refresh_jwt;
  if (!session.handle.empty()) s->handle = session.handle;
  if (!session.did.empty()) s->did = session.did;
  if (s->save) HERALD_CO_RETURN_IF_ERROR(s->save(s->Credentials(), std::nullopt));
  co_return base::Ok();
}

Task<Result<HttpResponse>> BlueskyPlatform::Xrpc(Session* s, std::string method, std::string nsid,
                                                 std::string query, std::string body,
                                                 std::string content_type) {
  std::string url = s->service + "/xrpc/" + nsid;
  if (!query.empty()) url += "?" + query;
  const auto expiry = JwtExpiry(s->access);
  if (s->access.empty() || (expiry && *expiry <= clock_->Now() + options_.refresh_margin)) {
    HERALD_CO_RETURN_IF_ERROR(co_await Refresh(s));
  }
  auto r = co_await Send(method, url, s->access, body, content_type);
  if (!r.ok() || !IsTokenProblem(*r)) co_return r;
  // The PDS says the access token expired (or is unusable): refresh and try once more.
  HERALD_CO_RETURN_IF_ERROR(co_await Refresh(s));
  co_return co_await Send(std::move(method), std::move(url), s->access, std::move(body),
                          std::move(content_type));
}

Task<Result<std::optional<Json>>> BlueskyPlatform::GetRecord(Session* s, std::string rkey) {
  const std::string query = "repo=" + http::PercentEncode(s->did) +
                            "&collection=" + std::string(kPostCollection) +
                            "&rkey=" + http::PercentEncode(rkey);
  auto r = co_await Xrpc(s, "GET", "com.atproto.repo.getRecord", query, "", "");
  if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
  if (r->status == 200) {
    auto parsed = base::ParseJson(r->body);
    if (!parsed.ok() || !parsed->is_object() || base::GetString(*parsed, "uri").empty() ||
        base::GetString(*parsed, "cid").empty()) {
      co_return base::Unavailable("Bluesky sent an unreadable record");
    }
    co_return std::optional<Json>(std::move(*parsed));
  }
  if (ParseXrpcError(r->body).error == "RecordNotFound") co_return std::optional<Json>();
  co_return ErrorFromResponse(*r, "looking the post up", clock_->Now());
}

Task<Result<std::string>> BlueskyPlatform::ResolveHandle(Session* s, std::string handle) {
  auto r = co_await Xrpc(s, "GET", "com.atproto.identity.resolveHandle",
                         "handle=" + http::PercentEncode(handle), "", "");
  if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
  if (r->status == 200) {
    auto parsed = base::ParseJson(r->body);
    if (parsed.ok()) co_return base::GetString(*parsed, "did");
    co_return std::string();
  }
  if (r->status == 400 && !IsTokenProblem(*r)) co_return std::string();  // not a handle
  co_return ErrorFromResponse(*r, "resolving @" + handle, clock_->Now());
}

Task<Result<ConnectedAccount>> BlueskyPlatform::Connect(Json args) {
  if (!args.is_object()) co_return base::InvalidArgument("connect arguments must be an object");
  std::string handle = base::GetString(args, "handle");
  while (!handle.empty() && (handle.front() == '@' || handle.front() == ' ')) handle.erase(0, 1);
  while (!handle.empty() && handle.back() == ' ') handle.pop_back();
  if (handle.empty()) {
    co_return base::InvalidArgument(
        "handle is required: your Bluesky handle, e.g. alice.bsky.social");
  }
  const std::string password = base::GetString(args, "app_password");
  if (password.empty()) {
    co_return base::InvalidArgument(
        "app_password is required: create one in Bluesky under Settings > Privacy and security "
        "> App passwords");
  }
  HERALD_CO_ASSIGN_OR_RETURN(std::string service,
                             NormalizeServiceUrl(base::GetString(args, "service_url")));
  Session s;
  s.service = service;
  s.identifier = handle;
  s.app_password = password;
  HERALD_CO_RETURN_IF_ERROR(co_await Refresh(&s));

  ConnectedAccount out;
  out.external_id = s.did;
  out.handle = s.handle;
  out.display_name = s.handle;
  out.base_url = service;
  out.settings = Json{{"service_url", service}};
  out.credentials = s.Credentials();
  auto profile =
      co_await Xrpc(&s, "GET", "app.bsky.actor.getProfile", "actor=" + http::PercentEncode(s.did), "", "");
  if (profile.ok() && profile->status == 200) {
    auto p = ParseProfile(profile->body);
    if (p.ok() && !p->display_name.empty()) out.display_name = p->display_name;
  }
  out.credentials = s.Credentials();  // getProfile may have refreshed the session
  co_return out;
}

Task<Result<PublishReceipt>> BlueskyPlatform::Publish(PublishRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(request.account));
  if (request.content.parts.empty()) {
    co_return base::InvalidArgument("the post is empty: nothing to publish");
  }
  if (request.idempotency_key.empty()) {
    co_return base::InvalidArgument("idempotency_key is required to publish to Bluesky");
  }
  ResolvedHandles resolved;
  const std::string key = request.idempotency_key;
  PostPartFn post = [&](const PostPart& part, PartContext& ctx) -> Task<Result<Json>> {
    const size_t i = ctx.index;
    const std::string rkey = RecordKeyFor(key, i);
    std::vector<ImageRef> images;
    for (const MediaItem& item : part.media) {
      auto r = co_await Xrpc(&session, "POST", "com.atproto.repo.uploadBlob", "", item.data,
                             item.mime_type);
      // An unreferenced blob is garbage-collected: retrying an upload is always safe.
      if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
      if (r->status != 200) {
        co_return ErrorFromResponse(*r, "uploading " + item.file_name, clock_->Now());
      }
      HERALD_CO_ASSIGN_OR_RETURN(Json blob, ParseBlob(r->body));
      images.push_back({std::move(blob), item.alt_text});
    }
    for (const text::Facet& f : text::DetectBlueskyFacets(part.text)) {
      if (f.kind != text::Facet::Kind::kMention) continue;
      std::string lower = f.value;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (resolved.count(lower) > 0) continue;
      HERALD_CO_ASSIGN_OR_RETURN(std::string did, co_await ResolveHandle(&session, lower));
      if (!did.empty()) resolved[lower] = did;
    }
    std::optional<std::pair<StrongRef, StrongRef>> reply;
    if (i > 0) reply.emplace(RefOf(ctx.done->front()), RefOf(ctx.done->back()));
    const Json record = PostRecord(part.text, FacetsJson(part.text, resolved), images, reply,
                                   FormatDatetime(clock_->Now()));
    auto r = co_await Xrpc(&session, "POST", "com.atproto.repo.createRecord", "",
                           base::DumpJson(CreateRecordBody(session.did, rkey, record)),
                           "application/json");
    if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kWrite);
    StrongRef made;
    if (r->status == 200) {
      auto ref = ParseStrongRef(r->body);
      if (!ref.ok()) {
        co_return base::Unknown("Bluesky accepted the post but its answer was unreadable",
                                ref.error().message());
      }
      made = *ref;
    } else {
      base::Error failure =
          ErrorFromResponse(*r, i == 0 ? "the post" : "a thread reply", clock_->Now());
      if (failure.code() == base::ErrorCode::kResourceExhausted ||
          failure.code() == base::ErrorCode::kUnauthenticated) {
        co_return failure;
      }
      // A record with this key may already exist (an earlier attempt whose answer was lost):
      // the PDS then refuses the create (the reference PDS with a generic 500, others with 400
      // InvalidRequest "Record already exists"). Look it up before reporting the failure. A
      // lookup that could not be made is no verdict: the post may be on Bluesky, so the answer
      // is "try again later" (the same record key keeps it single), never the refusal.
      auto existing = co_await GetRecord(&session, rkey);
      if (!existing.ok()) {
        base::Error e = LookupFailedError(std::move(existing).error(), kNetwork);
        co_return e.set_detail("the create was refused: " + failure.ToString() +
                               "; the lookup failed: " + e.detail());
      }
      if (!existing->has_value()) co_return failure;
      made = {base::GetString(**existing, "uri"), base::GetString(**existing, "cid")};
    }
    (*ctx.state)["did"] = session.did;
    co_return Json{
        {"uri", made.uri},
        {"cid", made.cid},
        {"rkey", rkey},
        {"url", PublicPostUrl(session.handle.empty() ? session.did : session.handle, rkey)}};
  };
  HERALD_CO_ASSIGN_OR_RETURN(Json state,
                             co_await Threads().Publish(request, request.remote_state, post));
  co_return ReceiptOf(session.did, std::move(state["parts"]));
}

Task<Result<std::optional<PublishReceipt>>> BlueskyPlatform::Find(PublishRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(request.account));
  if (request.idempotency_key.empty()) {
    co_return base::InvalidArgument("idempotency_key is required to look a Bluesky post up");
  }
  Json parts = Json::array();
  for (size_t i = 0; i < request.content.parts.size(); ++i) {
    const std::string rkey = RecordKeyFor(request.idempotency_key, i);
    auto looked = co_await GetRecord(&session, rkey);
    if (!looked.ok()) co_return LookupFailedError(std::move(looked).error(), kNetwork);
    std::optional<Json> record = std::move(*looked);
    if (!record) co_return std::optional<PublishReceipt>();
    parts.push_back(
        Json{{"uri", base::GetString(*record, "uri")},
             {"cid", base::GetString(*record, "cid")},
             {"rkey", rkey},
             {"url", PublicPostUrl(session.handle.empty() ? session.did : session.handle, rkey)}});
  }
  if (parts.empty()) co_return std::optional<PublishReceipt>();
  co_return std::optional<PublishReceipt>(ReceiptOf(session.did, std::move(parts)));
}

Task<Result<void>> BlueskyPlatform::Delete(AccountContext account, PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  std::vector<std::string> rkeys;
  for (const Json& p : PartsOf(receipt.remote_state))
    rkeys.push_back(RkeyOf(base::GetString(p, "uri")));
  if (rkeys.empty()) rkeys.push_back(RkeyOf(receipt.external_id));
  if (rkeys.empty() || rkeys.front().empty()) {
    co_return base::InvalidArgument("the receipt names no Bluesky post");
  }
  for (auto it = rkeys.rbegin(); it != rkeys.rend(); ++it) {
    Json body{{"repo", session.did}, {"collection", std::string(kPostCollection)}, {"rkey", *it}};
    auto r = co_await Xrpc(&session, "POST", "com.atproto.repo.deleteRecord", "",
                           base::DumpJson(body), "application/json");
    if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kDelete);
    if (r->status != 200) co_return ErrorFromResponse(*r, "deleting the post", clock_->Now());
  }
  co_return base::Ok();
}

Task<Result<Json>> BlueskyPlatform::FetchPostMetrics(AccountContext account,
                                                     PublishReceipt receipt) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  std::string uri = receipt.external_id;
  if (uri.empty()) {
    Json parts = PartsOf(receipt.remote_state);
    if (!parts.empty()) uri = base::GetString(parts.front(), "uri");
  }
  if (uri.empty()) co_return base::InvalidArgument("the receipt names no Bluesky post");
  auto r =
      co_await Xrpc(&session, "GET", "app.bsky.feed.getPosts", "uris=" + http::PercentEncode(uri), "", "");
  if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
  if (r->status != 200)
    co_return ErrorFromResponse(*r, "reading the post's numbers", clock_->Now());
  HERALD_CO_ASSIGN_OR_RETURN(std::optional<PostCounts> counts, ParsePostCounts(r->body, uri));
  if (!counts) co_return base::NotFound("the post is no longer on Bluesky");
  co_return Json{{"likes", counts->likes},
                 {"reposts", counts->reposts},
                 {"replies", counts->replies},
                 {"quotes", counts->quotes}};
}

Task<Result<Json>> BlueskyPlatform::FetchAccountMetrics(AccountContext account) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  auto r = co_await Xrpc(&session, "GET", "app.bsky.actor.getProfile",
                         "actor=" + http::PercentEncode(session.did), "", "");
  if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
  if (r->status != 200) {
    co_return ErrorFromResponse(*r, "reading the account's numbers", clock_->Now());
  }
  HERALD_CO_ASSIGN_OR_RETURN(ProfileCounts p, ParseProfile(r->body));
  co_return Json{{"followers", p.followers}, {"following", p.follows}, {"posts", p.posts}};
}

Task<Result<std::vector<HistoryPost>>> BlueskyPlatform::FetchHistory(AccountContext account,
                                                                     HistoryRequest request) {
  HERALD_CO_ASSIGN_OR_RETURN(Session session, SessionFor(account));
  constexpr int kPageSize = 100;
  std::vector<HistoryPost> out;
  std::string cursor;
  const int max_pages = request.max_posts / kPageSize + 2;
  for (int page = 0; page < max_pages && static_cast<int>(out.size()) < request.max_posts; ++page) {
    std::string query =
        "actor=" + http::PercentEncode(session.did) + "&limit=" + std::to_string(kPageSize);
    if (!cursor.empty()) query += "&cursor=" + http::PercentEncode(cursor);
    auto r = co_await Xrpc(&session, "GET", "app.bsky.feed.getAuthorFeed", query, "", "");
    if (!r.ok()) co_return Errors().FromTransport(std::move(r).error(), CallKind::kRead);
    if (r->status != 200) {
      co_return ErrorFromResponse(*r, "reading the account's posts", clock_->Now());
    }
    HERALD_CO_ASSIGN_OR_RETURN(FeedPage feed, ParseAuthorFeed(r->body));
    bool older_than_since = false;
    for (FeedPost& p : feed.posts) {
      if (p.repost || (!p.author_did.empty() && p.author_did != session.did)) continue;
      auto created = base::ParseRfc3339(p.created_at);
      if (!created.ok()) continue;
      if (*created < request.since) {
        older_than_since = true;
        break;
      }
      HistoryPost post;
      post.remote_id = p.uri;
      post.url =
          PublicPostUrl(session.handle.empty() ? session.did : session.handle, RecordKeyOf(p.uri));
      post.published_at = *created;
      post.text = std::move(p.text);
      post.metrics = Json{{"likes", p.counts.likes},
                          {"reposts", p.counts.reposts},
                          {"replies", p.counts.replies},
                          {"quotes", p.counts.quotes}};
      out.push_back(std::move(post));
      if (static_cast<int>(out.size()) >= request.max_posts) break;
    }
    if (older_than_since || feed.cursor.empty() || feed.posts.empty()) break;
    cursor = std::move(feed.cursor);
  }
  co_return out;
}

}  // namespace herald::platforms::bluesky
