#include "platforms/linkedin/linkedin_platform.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <filesystem>
#include <fstream>

#include "platforms/http/form_urlencoded.h"
#include "platforms/kit/helpers.h"
#include "platforms/kit/media_bytes.h"
#include "platforms/kit/media_validator.h"
#include "platforms/kit/pause.h"
#include "platforms/kit/post_validator.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/text/length_rules.h"
#include "platforms/text/utf8.h"

namespace herald::platforms::linkedin {
namespace {

namespace asio = boost::asio;
using platforms::http::PercentEncode;

constexpr int64_t kMinVideoBytes = 75 * 1024;
const std::vector<std::string>& MemberScopes() {
  static const std::vector<std::string> kScopes = {"openid", "profile", "w_member_social"};
  return kScopes;
}
const std::vector<std::string>& PageScopes() {
  static const std::vector<std::string> kScopes = {"w_organization_social",
                                                   "r_organization_social",
                                                   "rw_organization_admin"};
  return kScopes;
}

HttpErrorMapper::Options Errors(const base::Clock& clock) {
  HttpErrorMapper::Options o;
  o.network = "LinkedIn";
  o.fixed_base_url = true;  // api.linkedin.com or the operator's HERALD_LINKEDIN_API_URL
  o.read_body = [&clock](const HttpResponse& r) { return ReadError(r, clock.Now()); };
  return o;
}

bool Has(const std::vector<std::string>& granted, const std::string& scope) {
  return std::find(granted.begin(), granted.end(), scope) != granted.end();
}

// Where remote_state["media"] records the URN of item `i`.
std::string MediaKey(const MediaItem& item, size_t i) {
  return item.id.empty() ? "item" + std::to_string(i) : item.id;
}

// "share" / "ugc" (member analytics) or "shares" / "ugcPosts" (organization statistics).
bool IsUgcPost(std::string_view urn) { return urn.rfind("urn:li:ugcPost:", 0) == 0; }

// The item's declared size, else its bytes' (0 when unknown: validation then skips the check).
int64_t SizeOf(const MediaItem& item) {
  if (item.size > 0) return item.size;
  Result<int64_t> n = MediaByteCount(item, "LinkedIn");
  return n.ok() ? *n : 0;
}

}  // namespace

oauth::OAuthProvider LinkedInProvider(const LinkedInOptions& options) {
  const std::string auth = TrimSlash(options.auth_url);
  oauth::OAuthProvider p = oauth::MakeProvider(
      kMemberNetworkId, "LinkedIn", auth + "/oauth/v2/authorization",
      auth + "/oauth/v2/accessToken",
      {"openid", "profile", "w_member_social", "w_organization_social", "r_organization_social",
       "rw_organization_admin", "r_member_postAnalytics", "r_member_profileAnalytics"},
      oauth::ClientAuthMethod::kPost,
      /*pkce=*/false);
  p.SetClient(options.client);
  return p;
}

LinkedInNetwork::LinkedInNetwork(Kind kind, LinkedInOptions options, HttpClient& http,
                                 const base::Clock& clock)
    : OAuthNetworkBase(LinkedInProvider(options), http, clock, Errors(clock)),
      kind_(kind),
      options_(std::move(options)) {
  options_.api_url = TrimSlash(options_.api_url);
  info_.id = std::string(kind == Kind::kMember ? kMemberNetworkId : kPageNetworkId);
  info_.name = kind == Kind::kMember ? "LinkedIn" : "LinkedIn Page";
  info_.auth_kind = AuthKind::kOAuth2;
  info_.text = TextRules{kMaxCommentary, 0, "characters", 0};
  MediaRules& m = info_.media;
  m.max_items = 20;  // multiImage: 2..20 images; or one video
  // No documented byte limit for images; LinkedIn refuses 36,152,320 pixels and more, so herald
  // keeps images within 6000 x 6000.
  m.max_image_bytes = 20LL * 1024 * 1024;
  m.max_video_bytes = 500LL * 1024 * 1024;
  m.mime_types = {"image/jpeg", "image/png", "image/gif", "video/mp4"};
  m.max_alt_text = 4086;
  m.video_alone = true;
  m.min_video_duration_ms = 3'000;
  m.max_video_duration_ms = 30LL * 60 * 1000;
  m.max_width = 6000;
  m.max_height = 6000;
  info_.features.threads = false;
  info_.features.delete_posts = true;
  info_.features.post_metrics = true;
  info_.features.account_metrics = true;
  info_.features.idempotency = IdempotencyKind::kReconcile;
}

std::string LinkedInNetwork::Rest(std::string_view path_and_query) const {
  return options_.api_url + std::string(path_and_query);
}

// ---- validation ----

ValidationReport LinkedInNetwork::Validate(const Content& content) const {
  PostRules rules;
  rules.text = text::LengthRule{info_.name, kMaxCommentary, text::LengthUnit::kCodePoints};
  rules.needs = "text or media";
  rules.empty_part = "LinkedIn needs text (up to 3,000 characters) or media";
  rules.media = info_.media;
  ValidationReport report = PostValidator(std::move(rules)).Validate(content);
  if (content.parts.empty()) return report;
  const PostPart& post = content.parts[0];
  if (content.parts.size() > 1) {
    report.violations.push_back(
        {"thread", "LinkedIn has no threads: this post has " +
                       std::to_string(content.parts.size()) +
                       " parts; publish them as separate posts"});
  }
  for (size_t i = 0; i < post.media.size(); ++i) {
    const MediaItem& item = post.media[i];
    const int64_t size = item.size > 0 ? item.size : static_cast<int64_t>(item.data.size());
    if (IsVideoItem(item) && size > 0 && size < kMinVideoBytes) {
      report.violations.push_back(
          {PartField(0, "media[" + std::to_string(i) + "]"),
           "the video is " + DescribeBytes(size) + ", under LinkedIn's minimum of " +
               DescribeBytes(kMinVideoBytes)});
    }
  }
  return report;
}

// ---- HTTP ----

Task<Result<HttpResponse>> LinkedInNetwork::Call(std::string method, std::string url,
                                                 std::string token, std::string body,
                                                 std::string content_type,
                                                 std::string_view action, CallKind kind,
                                                 std::vector<int> ok_statuses,
                                                 std::chrono::milliseconds timeout) {
  HttpRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers = {{"Authorization", "Bearer " + token},
                 {"LinkedIn-Version", std::string(kApiVersion)},
                 {"X-Restli-Protocol-Version", "2.0.0"},
                 {"Accept", "application/json"}};
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
  req.body = std::move(body);
  req.total_timeout = timeout.count() > 0 ? timeout : options_.request_timeout;
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await Send(std::move(req), kind));
  if ((r.status >= 200 && r.status <= 299) ||
      std::find(ok_statuses.begin(), ok_statuses.end(), r.status) != ok_statuses.end()) {
    co_return r;
  }
  co_return errors().FromResponse(r, action, clock().Now(), token);
}

Task<Result<HttpResponse>> LinkedInNetwork::Api(AccountContext& account, std::string method,
                                                std::string url, std::string body,
                                                std::string content_type,
                                                std::string_view action, CallKind kind,
                                                std::vector<int> ok_statuses,
                                                std::chrono::milliseconds timeout) {
  co_return co_await WithToken<HttpResponse>(
      account, [&](std::string token) -> Task<Result<HttpResponse>> {
        co_return co_await Call(method, url, std::move(token), body, content_type, action, kind,
                                ok_statuses, timeout);
      });
}

base::Error LinkedInNetwork::PageError(base::Error e, const AccountContext& account) const {
  if (kind_ != Kind::kPage || e.code() != base::ErrorCode::kPermissionDenied) return e;
  const std::string page = account.handle.empty() ? account.external_id : account.handle;
  return base::Error(base::ErrorCode::kPermissionDenied,
                     "LinkedIn refused to act for the page " + page +
                         ": the member who connected it is no longer one of its administrators "
                         "(reconnect LinkedIn as an administrator of the page, or disconnect "
                         "it). " + e.message(),
                     e.detail());
}

// ---- connect ----

Result<void> LinkedInNetwork::CheckScopes(const oauth::TokenSet& tokens, bool pages) const {
  if (tokens.scope.empty()) return base::Ok();  // the answer did not say: the calls will
  const std::vector<std::string> granted = SplitScopes(tokens.scope);
  std::vector<std::string> missing;
  for (const auto& s : MemberScopes()) {
    if (!Has(granted, s)) missing.push_back(s);
  }
  if (pages) {
    for (const auto& s : PageScopes()) {
      if (!Has(granted, s)) missing.push_back(s);
    }
  }
  if (missing.empty()) return base::Ok();
  std::string list;
  for (const auto& s : missing) list += (list.empty() ? "" : ", ") + s;
  return base::PermissionDenied(
      "LinkedIn did not grant herald the permission" + std::string(missing.size() > 1 ? "s " : " ") +
      list + " it needs" + (pages ? " to post to organization pages" : "") +
      ": check that the LinkedIn app has the \"Share on LinkedIn\"" +
      (pages ? " and \"Community Management API\" products" : " product") +
      " and approve every permission when signing in");
}

Task<Result<ConnectedAccount>> LinkedInNetwork::MemberAccount(const oauth::TokenSet& tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r, co_await Call("GET", Rest("/v2/userinfo"), tokens.access_token, "", "",
                                    "reading the member profile", CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(Member member, ParseUserInfo(r.body));
  ConnectedAccount out;
  out.external_id = "urn:li:person:" + member.sub;
  out.handle = member.name;
  out.display_name = member.name;
  out.settings = Json{{"person_id", member.sub}};
  out.token_expires_at = tokens.expires_at;
  if (kind_ == Kind::kPage) out.platform = std::string(kMemberNetworkId);
  co_return out;
}

Task<Result<std::vector<ConnectedAccount>>> LinkedInNetwork::PageAccounts(
    const oauth::TokenSet& tokens) {
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse acl,
      co_await Call("GET",
                    Rest("/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED"
                         "&count=100"),
                    tokens.access_token, "", "", "listing the pages the member administers",
                    CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                             ParseAdministeredOrganizations(acl.body));
  std::vector<ConnectedAccount> out;
  for (const std::string& id : ids) {
    HERALD_CO_ASSIGN_OR_RETURN(
        HttpResponse r,
        co_await Call("GET", Rest("/rest/organizations/" + id), tokens.access_token, "", "",
                      "reading the page " + id, CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(Organization org, ParseOrganization(r.body));
    ConnectedAccount a;
    a.external_id = "urn:li:organization:" + org.id;
    a.handle = org.vanity_name.empty() ? org.id : org.vanity_name;
    a.display_name = org.name;
    a.settings = Json{{"organization_id", org.id}, {"vanity_name", org.vanity_name}};
    a.token_expires_at = tokens.expires_at;
    if (kind_ == Kind::kMember) a.platform = std::string(kPageNetworkId);
    out.push_back(std::move(a));
  }
  co_return out;
}

Task<Result<ConnectedAccount>> LinkedInNetwork::Identify(oauth::TokenSet tokens) {
  HERALD_CO_RETURN_IF_ERROR(CheckScopes(tokens, kind_ == Kind::kPage));
  if (kind_ == Kind::kMember) co_return co_await MemberAccount(tokens);
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<ConnectedAccount> pages, co_await PageAccounts(tokens));
  if (pages.empty()) {
    co_return base::FailedPrecondition(
        "the LinkedIn member who signed in administers no organization page (LinkedIn lists "
        "no approved ADMINISTRATOR role); sign in as a page administrator");
  }
  ConnectedAccount first = std::move(pages[0]);
  first.platform.clear();  // stored under linkedin_page, the network connected
  co_return first;
}

Task<Result<std::vector<ConnectedAccount>>> LinkedInNetwork::DiscoverAccounts(
    oauth::TokenSet tokens) {
  HERALD_CO_RETURN_IF_ERROR(CheckScopes(tokens, kind_ == Kind::kPage));
  std::vector<ConnectedAccount> out;
  HERALD_CO_ASSIGN_OR_RETURN(ConnectedAccount member, co_await MemberAccount(tokens));
  out.push_back(std::move(member));
  const std::vector<std::string> granted = SplitScopes(tokens.scope);
  const bool pages = tokens.scope.empty() ||
                     std::all_of(PageScopes().begin(), PageScopes().end(),
                                 [&](const std::string& s) { return Has(granted, s); });
  if (!pages) co_return out;  // a member-only grant
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<ConnectedAccount> orgs, co_await PageAccounts(tokens));
  for (auto& o : orgs) out.push_back(std::move(o));
  co_return out;
}

// ---- media ----

Task<Result<std::string>> LinkedInNetwork::UploadImage(AccountContext& account,
                                                       const MediaItem& item) {
  const Json init{{"initializeUploadRequest", {{"owner", account.external_id}}}};
  const std::string action = "uploading " + item.file_name;
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Api(account, "POST", Rest("/rest/images?action=initializeUpload"),
                   base::DumpJson(init), "application/json", action, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(ImageUpload upload, ParseImageUpload(r.body));
  HERALD_CO_ASSIGN_OR_RETURN(std::string bytes, ReadMediaRange(item, 0, SizeOf(item), "LinkedIn"));
  // The same upload URL again is harmless: classified like a read.
  HERALD_CO_RETURN_IF_ERROR(co_await Api(account, "PUT", upload.upload_url, std::move(bytes),
                                         item.mime_type, action, CallKind::kRead, {},
                                         options_.upload_timeout));
  co_return upload.image;
}

Task<Result<std::string>> LinkedInNetwork::UploadVideo(AccountContext& account,
                                                       const MediaItem& item) {
  const int64_t size = SizeOf(item);
  const std::string action = "uploading " + item.file_name;
  const Json init{{"initializeUploadRequest",
                   {{"owner", account.external_id},
                    {"fileSizeBytes", size},
                    {"uploadCaptions", false},
                    {"uploadThumbnail", false}}}};
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r,
      co_await Api(account, "POST", Rest("/rest/videos?action=initializeUpload"),
                   base::DumpJson(init), "application/json", action, CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(VideoUpload upload, ParseVideoUpload(r.body, size));
  std::vector<std::string> etags;
  for (const VideoPart& part : upload.parts) {
    HERALD_CO_ASSIGN_OR_RETURN(
        std::string bytes,
        ReadMediaRange(item, part.first_byte, part.last_byte - part.first_byte + 1, "LinkedIn"));
    HERALD_CO_ASSIGN_OR_RETURN(
        HttpResponse put,
        co_await Api(account, "PUT", part.upload_url, std::move(bytes),
                     "application/octet-stream", action, CallKind::kRead, {},
                     options_.upload_timeout));
    std::string etag = put.Header("ETag");
    if (etag.empty()) {
      co_return base::Unavailable("LinkedIn accepted a part of " + item.file_name +
                                  " without an ETag");
    }
    etags.push_back(std::move(etag));
  }
  HERALD_CO_RETURN_IF_ERROR(co_await Api(
      account, "POST", Rest("/rest/videos?action=finalizeUpload"),
      base::DumpJson(FinalizeVideoBody(upload.video, upload.upload_token, etags)),
      "application/json", action, CallKind::kRead));
  co_return upload.video;
}

Task<Result<void>> LinkedInNetwork::AwaitVideo(AccountContext& account, const std::string& video,
                                               const MediaItem& item) {
  for (int attempt = 0; attempt < options_.video_poll_attempts; ++attempt) {
    if (attempt > 0) co_await Pause({}, options_.video_poll_interval);
    HERALD_CO_ASSIGN_OR_RETURN(
        HttpResponse r,
        co_await Api(account, "GET", Rest("/rest/videos/" + PercentEncode(video)), "", "",
                     "processing " + item.file_name, CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(MediaStatus s, ParseMediaStatus(r.body));
    if (s.status == "AVAILABLE") co_return base::Ok();
    if (s.status == "PROCESSING_FAILED") {
      co_return base::InvalidArgument(
          "LinkedIn could not process the video " + item.file_name +
          (s.failure_reason.empty() ? std::string() : ": " + s.failure_reason));
    }
    if (s.status != "PROCESSING") {
      co_return base::NotFound("LinkedIn has the video " + item.file_name + " in state " +
                               s.status + "; it must be uploaded again");
    }
  }
  co_return base::Unavailable("LinkedIn was still processing the video " + item.file_name +
                              "; herald will try again later");
}

Task<Result<std::vector<PostMedia>>> LinkedInNetwork::UploadMedia(PublishRequest& request,
                                                                  Json& state) {
  std::vector<PostMedia> out;
  const std::vector<MediaItem>& items = request.content.parts[0].media;
  if (!state.contains("media") || !state["media"].is_object()) state["media"] = Json::object();
  for (size_t i = 0; i < items.size(); ++i) {
    const MediaItem& item = items[i];
    const std::string key = MediaKey(item, i);
    std::string urn = base::GetString(state["media"], key);
    if (!urn.empty() && IsVideoItem(item)) {
      // Reuse the video LinkedIn still has; upload again one it lost or failed.
      auto ready = co_await AwaitVideo(request.account, urn, item);
      if (!ready.ok() && ready.error().code() != base::ErrorCode::kNotFound &&
          ready.error().code() != base::ErrorCode::kInvalidArgument) {
        co_return std::move(ready).error();
      }
      if (!ready.ok()) urn.clear();
    }
    if (urn.empty()) {
      if (IsVideoItem(item)) {
        HERALD_CO_ASSIGN_OR_RETURN(urn, co_await UploadVideo(request.account, item));
        state["media"][key] = urn;
        if (request.save_remote_state) HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));
        HERALD_CO_RETURN_IF_ERROR(co_await AwaitVideo(request.account, urn, item));
      } else {
        HERALD_CO_ASSIGN_OR_RETURN(urn, co_await UploadImage(request.account, item));
        state["media"][key] = urn;
        if (request.save_remote_state) HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));
      }
    }
    out.push_back({urn, item.alt_text});
  }
  co_return out;
}

// ---- publish ----

Task<Result<PublishReceipt>> LinkedInNetwork::Publish(PublishRequest request) {
  ValidationReport report = Validate(request.content);
  if (!report.ok()) {
    const Violation& v = report.violations[0];
    co_return base::InvalidArgument(v.message.rfind(v.field, 0) == 0
                                        ? v.message
                                        : v.field + ": " + v.message);
  }
  Json state = request.remote_state.is_object() ? request.remote_state : Json::object();
  if (!state.contains("attempt_at")) state["attempt_at"] = UnixMillis(clock().Now());
  const std::string author = request.account.external_id;
  auto media = co_await UploadMedia(request, state);
  if (!media.ok()) co_return PageError(std::move(media).error(), request.account);
  // The attempt's time is durable before the post can exist: Find looks from there.
  if (request.save_remote_state) HERALD_CO_RETURN_IF_ERROR(request.save_remote_state(state));

  const std::string& text = request.content.parts[0].text;
  const std::string body = base::DumpJson(PostBody(author, EscapeLittleText(text), *media));
  std::vector<int> duplicate_status{422};  // a DUPLICATE_POST is read below
  auto sent = co_await Api(request.account, "POST", Rest("/rest/posts"), body, "application/json",
                           "publishing the post", CallKind::kWrite, std::move(duplicate_status));
  if (!sent.ok()) co_return PageError(std::move(sent).error(), request.account);
  std::string urn;
  if (sent->status == 422) {
    std::optional<std::string> duplicate = DuplicateOf(*sent);
    if (!duplicate) co_return errors().FromResponse(*sent, "publishing the post", clock().Now());
    urn = *duplicate;
    if (urn.empty()) {
      // "It exists": find it.
      std::vector<std::string> urns;
      for (const PostMedia& m : *media) urns.push_back(m.urn);
      auto found = co_await FindUrn(request.account, text, std::move(urns),
                                    state["attempt_at"].get<int64_t>() -
                                        options_.find_slack.count() * 1000);
      if (!found.ok()) co_return LookupFailedError(std::move(found).error(), "LinkedIn");
      if (!found->has_value()) {
        co_return base::Unknown(
            "LinkedIn says this post is a duplicate of an existing one, which herald could not "
            "find among the author's recent posts");
      }
      urn = **found;
    }
  } else {
    urn = sent->Header("x-restli-id");
    if (urn.empty()) urn = sent->Header("x-linkedin-id");
    if (urn.empty()) co_return base::Unknown("LinkedIn accepted the post without its id");
  }
  PublishReceipt receipt;
  receipt.external_id = urn;
  receipt.url = PostUrl(urn);
  state["urn"] = urn;
  state["author"] = author;
  receipt.remote_state = std::move(state);
  co_return receipt;
}

Task<Result<std::optional<std::string>>> LinkedInNetwork::FindUrn(
    AccountContext& account, const std::string& text, std::vector<std::string> media,
    std::optional<int64_t> since_ms) {
  const std::string escaped = EscapeLittleText(text);
  const int count = options_.find_page_size;
  // Page after page (newest first) until the posts are older than the attempt: one that many
  // newer posts followed is still found.
  for (int page = 0; page < options_.find_pages; ++page) {
    const std::string path = "/rest/posts?author=" + PercentEncode(account.external_id) +
                             "&q=author&count=" + std::to_string(count) +
                             "&start=" + std::to_string(page * count) + "&sortBy=CREATED";
    HERALD_CO_ASSIGN_OR_RETURN(
        HttpResponse r, co_await Api(account, "GET", Rest(path), "", "",
                                     "looking up the author's recent posts", CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(std::vector<ListedPost> posts, ParsePostList(r.body));
    for (const ListedPost& p : posts) {
      if (since_ms && p.created_at_ms != 0 && p.created_at_ms < *since_ms) continue;
      if (!media.empty() && p.media != media) continue;
      if (p.commentary == escaped || p.commentary == text) {
        co_return std::optional<std::string>(p.urn);
      }
    }
    const bool past = !posts.empty() && since_ms && posts.back().created_at_ms != 0 &&
                      posts.back().created_at_ms < *since_ms;
    if (static_cast<int>(posts.size()) < count || past) break;
  }
  co_return std::optional<std::string>();
}

Task<Result<std::optional<PublishReceipt>>> LinkedInNetwork::Find(PublishRequest request) {
  const Json& state = request.remote_state;
  if (request.content.parts.empty()) co_return std::optional<PublishReceipt>();
  // The attempt's time is saved before the post is sent: without it, nothing was sent.
  if (!state.is_object() || !state.contains("attempt_at") ||
      !state["attempt_at"].is_number_integer()) {
    co_return std::optional<PublishReceipt>();
  }
  const int64_t since = state["attempt_at"].get<int64_t>() - options_.find_slack.count() * 1000;
  // The media this request's attempts uploaded, in the post's order (all of them were, when
  // the post could have been sent).
  std::vector<std::string> media;
  const Json recorded = state.value("media", Json::object());
  const std::vector<MediaItem>& items = request.content.parts[0].media;
  for (size_t i = 0; i < items.size(); ++i) {
    media.push_back(base::GetString(recorded, MediaKey(items[i], i)));
  }
  if (std::find(media.begin(), media.end(), "") != media.end()) {
    co_return std::optional<PublishReceipt>();  // some media was never uploaded: not sent
  }
  auto found =
      co_await FindUrn(request.account, request.content.parts[0].text, std::move(media), since);
  if (!found.ok()) {
    co_return LookupFailedError(PageError(std::move(found).error(), request.account), "LinkedIn");
  }
  if (!found->has_value()) co_return std::optional<PublishReceipt>();
  PublishReceipt receipt;
  receipt.external_id = **found;
  receipt.url = PostUrl(receipt.external_id);
  receipt.remote_state = state;
  receipt.remote_state["urn"] = receipt.external_id;
  receipt.remote_state["author"] = request.account.external_id;
  co_return std::optional<PublishReceipt>(std::move(receipt));
}

// ---- delete and metrics ----

Task<Result<void>> LinkedInNetwork::Delete(AccountContext account, PublishReceipt receipt) {
  std::vector<int> gone{404};  // already deleted
  auto r = co_await Api(account, "DELETE", Rest("/rest/posts/" + PercentEncode(receipt.external_id)),
                        "", "", "deleting the post", CallKind::kDelete, std::move(gone));
  if (!r.ok()) co_return PageError(std::move(r).error(), account);
  co_return base::Ok();
}

Task<Result<Json>> LinkedInNetwork::FetchPostMetrics(AccountContext account,
                                                     PublishReceipt receipt) {
  const std::string& urn = receipt.external_id;
  if (kind_ == Kind::kPage) {
    const std::string path =
        "/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=" +
        PercentEncode(account.external_id) + "&" + (IsUgcPost(urn) ? "ugcPosts" : "shares") +
        "=List(" + PercentEncode(urn) + ")";
    auto r = co_await Api(account, "GET", Rest(path), "", "", "reading the post statistics",
                          CallKind::kRead);
    if (!r.ok()) co_return PageError(std::move(r).error(), account);
    co_return ParseShareStatistics(r->body);
  }
  static const std::pair<const char*, const char*> kQueries[] = {{"IMPRESSION", "views"},
                                                                 {"MEMBERS_REACHED", "reach"},
                                                                 {"REACTION", "likes"},
                                                                 {"COMMENT", "replies"},
                                                                 {"RESHARE", "reposts"}};
  Json out = Json::object();
  const std::string entity =
      std::string("(") + (IsUgcPost(urn) ? "ugc" : "share") + ":" + PercentEncode(urn) + ")";
  for (const auto& [query, key] : kQueries) {
    HERALD_CO_ASSIGN_OR_RETURN(
        HttpResponse r,
        co_await Api(account, "GET",
                     Rest("/rest/memberCreatorPostAnalytics?q=entity&entity=" + entity +
                          "&queryType=" + query + "&aggregation=TOTAL"),
                     "", "", "reading the post statistics", CallKind::kRead));
    HERALD_CO_ASSIGN_OR_RETURN(int64_t count, ParseMemberMetric(r.body));
    out[key] = count;
  }
  co_return out;
}

Task<Result<Json>> LinkedInNetwork::FetchAccountMetrics(AccountContext account) {
  if (kind_ == Kind::kPage) {
    auto r = co_await Api(account, "GET",
                          Rest("/rest/networkSizes/" + PercentEncode(account.external_id) +
                               "?edgeType=COMPANY_FOLLOWED_BY_MEMBER"),
                          "", "", "reading the follower count", CallKind::kRead);
    if (!r.ok()) co_return PageError(std::move(r).error(), account);
    HERALD_CO_ASSIGN_OR_RETURN(int64_t followers, ParseNetworkSize(r->body));
    co_return Json{{"followers", followers}};
  }
  HERALD_CO_ASSIGN_OR_RETURN(
      HttpResponse r, co_await Api(account, "GET", Rest("/rest/memberFollowersCount?q=me"), "",
                                   "", "reading the follower count", CallKind::kRead));
  HERALD_CO_ASSIGN_OR_RETURN(int64_t followers, ParseMemberFollowers(r.body));
  co_return Json{{"followers", followers}};
}

std::vector<std::unique_ptr<Platform>> MakeLinkedInPlatforms(const PlatformEnv& env) {
  std::vector<std::unique_ptr<Platform>> out;
  if (env.http == nullptr || env.clock == nullptr) return out;
  LinkedInOptions options;
  options.api_url = env.ApiUrl(kMemberNetworkId, options.api_url);
  options.auth_url = env.AuthUrl(kMemberNetworkId, options.auth_url);
  options.client = env.ClientFor(kMemberNetworkId);
  out.push_back(std::make_unique<LinkedInNetwork>(LinkedInNetwork::Kind::kMember, options,
                                                  *env.http, *env.clock));
  out.push_back(std::make_unique<LinkedInNetwork>(LinkedInNetwork::Kind::kPage, options,
                                                  *env.http, *env.clock));
  return out;
}

}  // namespace herald::platforms::linkedin
