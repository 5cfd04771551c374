#include "tests/emulators/linkedin/linkedin_emulator.h"

#include <algorithm>
#include <regex>

#include "base/crypto.h"
#include "http/router.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {
namespace {

using platforms::http::FormFields;
using platforms::http::FormValue;
using platforms::http::ParseFormUrlEncoded;

constexpr int64_t kAccessTtlSeconds = 60LL * 24 * 3600;
constexpr int64_t kRefreshTtlSeconds = 365LL * 24 * 3600;
constexpr int kMaxCommentary = 3000;
constexpr size_t kMaxAssets = 10'000;
constexpr size_t kMaxTokens = 10'000;

const std::set<std::string>& KnownScopes() {
  static const std::set<std::string> kScopes = {
      "openid",          "profile",
      "email",           "w_member_social",
      "r_basicprofile",  "w_organization_social",
      "r_organization_social", "rw_organization_admin",
      "r_organization_admin",  "r_member_postAnalytics",
      "r_member_profileAnalytics"};
  return kScopes;
}

int64_t Millis(base::Time t) { return base::ToUnixMicros(t) / 1000; }

http::Response JsonAnswer(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

// LinkedIn's error body: {"status","serviceErrorCode"?,"code"?,"message"}.
http::Response ApiError(int status, const std::string& code, const std::string& message,
                        int service_code = 0) {
  Json body{{"status", status}, {"message", message}};
  if (!code.empty()) body["code"] = code;
  if (service_code != 0) body["serviceErrorCode"] = service_code;
  return JsonAnswer(status, body);
}

// A validation error with inputErrors (reference 2.9).
http::Response InputError(int status, const std::string& code, const std::string& description,
                          const std::string& message) {
  return JsonAnswer(
      status, Json{{"errorDetailType", "com.linkedin.common.error.BadRequest"},
                   {"message", message},
                   {"errorDetails",
                    {{"inputErrors", Json::array({Json{{"description", description},
                                                       {"input", Json::object()},
                                                       {"code", code}}})}}},
                   {"status", status}});
}

http::Response OAuthError(int status, const std::string& error, const std::string& description) {
  http::Response r =
      JsonAnswer(status, Json{{"error", error}, {"error_description", description}});
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

std::string HostOf(const http::Request& req) {
  std::string host(req.Header("Host"));
  return host.empty() ? "127.0.0.1" : host;
}

std::string Query(const http::Request& req, std::string_view name) {
  auto v = req.Query(name);
  return v ? std::string(*v) : std::string();
}

std::set<std::string> SplitScopes(std::string_view text) {
  std::set<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == ',') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.insert(cur);
  return out;
}

std::string JoinScopes(const std::set<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool IsReserved(char c) {
  return std::string_view("|{}@[]()<>#\\*_~").find(c) != std::string_view::npos;
}

// The text a reader sees for little-text `commentary`, or the description of the first
// unescaped reserved character (mention and hashtag templates are understood).
std::optional<std::string> ReadLittleText(const std::string& commentary, std::string* problem) {
  static const std::regex kMention(R"(^@\[([^\]\\]*)\]\((urn:li:(person|organization):[^)]+)\))");
  static const std::regex kHashtag(R"(^\{hashtag\|\\#\|([^}|]+)\})");
  std::string out;
  for (size_t i = 0; i < commentary.size();) {
    const char c = commentary[i];
    if (c == '\\' && i + 1 < commentary.size()) {
      out.push_back(commentary[i + 1]);
      i += 2;
      continue;
    }
    if (!IsReserved(c)) {
      out.push_back(c);
      ++i;
      continue;
    }
    std::smatch m;
    const std::string rest = commentary.substr(i);
    if (c == '@' && std::regex_search(rest, m, kMention)) {
      out += m[1].str();
      i += static_cast<size_t>(m.length(0));
      continue;
    }
    if (c == '{' && std::regex_search(rest, m, kHashtag)) {
      out += "#" + m[1].str();
      i += static_cast<size_t>(m.length(0));
      continue;
    }
    *problem = std::string("reserved character '") + c + "' at offset " + std::to_string(i) +
               " must be escaped";
    return std::nullopt;
  }
  return out;
}

std::string SniffImage(std::string_view data) {
  if (data.size() >= 3 && static_cast<unsigned char>(data[0]) == 0xFF &&
      static_cast<unsigned char>(data[1]) == 0xD8 && static_cast<unsigned char>(data[2]) == 0xFF) {
    return "image/jpeg";
  }
  if (data.rfind("\x89PNG", 0) == 0) return "image/png";
  if (data.rfind("GIF8", 0) == 0) return "image/gif";
  return "";
}

// "List(urn:li:share:1)" -> "urn:li:share:1".
std::string ListItem(std::string v) {
  if (v.rfind("List(", 0) == 0 && !v.empty() && v.back() == ')') v = v.substr(5, v.size() - 6);
  return v;
}

}  // namespace

LinkedInEmulator::LinkedInEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json LinkedInEmulator::DefaultConfig() const {
  return Json{{"issue_refresh_tokens", false},
              {"withheld_scopes", Json::array()},
              {"redirect_uris", Json::array()},
              {"min_version", 202501},
              {"max_version", 202612},
              {"duplicate_window_seconds", 7 * 24 * 3600},
              {"daily_post_limit", 150},
              {"image_processing_polls", 0},
              {"video_processing_polls", 1},
              {"video_part_bytes", 4 * 1024 * 1024},
              {"video_min_bytes", 75 * 1024},
              {"video_max_bytes", 500LL * 1024 * 1024}};
}

void LinkedInEmulator::Reset() {
  std::lock_guard lock(mu_);
  organizations_.clear();
  roles_.clear();
  access_.clear();
  refresh_.clear();
  codes_.clear();
  assets_.clear();
  tickets_.clear();
  deny_next_ = false;
  fail_next_video_ = false;
  next_id_ = 1;
  member_followers_ = 512;
  organizations_[kOrgA] = {kOrgA, "Herald Labs", "herald-labs", 1200};
  organizations_[kOrgB] = {kOrgB, "Example Corp", "example-corp", 34};
  organizations_[kOrgC] = {kOrgC, "Elsewhere Inc", "elsewhere", 9};
  roles_[kOrgA] = "ADMINISTRATOR";
  roles_[kOrgB] = "ADMINISTRATOR";
  access_[kSeedToken] = AccessToken{kMemberId, KnownScopes(),
                                    ctx_.Now() + std::chrono::seconds(kAccessTtlSeconds)};
}

std::string LinkedInEmulator::IssueAccessLocked(const std::string& member,
                                                const std::set<std::string>& scopes) {
  std::string token = "AQV" + base::RandomToken();
  access_[token] =
      AccessToken{member, scopes, ctx_.Now() + std::chrono::seconds(kAccessTtlSeconds)};
  return token;
}

// ---- authentication ----

LinkedInEmulator::Auth LinkedInEmulator::Authenticate(const http::Request& req, bool versioned) {
  Auth auth;
  auth.bearer = BearerToken(req.Header("Authorization"));
  {
    std::lock_guard lock(mu_);
    auto it = access_.find(auth.bearer);
    if (auth.bearer.empty() || it == access_.end()) {
      auth.error = ApiError(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600);
      return auth;
    }
    if (it->second.revoked) {
      auth.error = ApiError(401, "REVOKED_ACCESS_TOKEN",
                            "The token used in the request has been revoked by the user", 65601);
      return auth;
    }
    if (it->second.expired || ctx_.Now() >= it->second.expires_at) {
      auth.error = ApiError(401, "EXPIRED_ACCESS_TOKEN",
                            "The token used in the request has expired", 65602);
      return auth;
    }
    auth.token = it->second;
  }
  if (!versioned) return auth;
  const std::string version(req.Header("LinkedIn-Version"));
  if (version.empty()) {
    auth.token.reset();
    auth.error = ApiError(400, "VERSION_MISSING",
                          "A version must be present. Please specify a version by adding the "
                          "LinkedIn-Version header.");
    return auth;
  }
  int64_t v = 0;
  try {
    v = std::stoll(version);
  } catch (...) {
    v = 0;
  }
  if (v < ctx_.ConfigInt("min_version", 202501) || v > ctx_.ConfigInt("max_version", 202612)) {
    auth.token.reset();
    auth.error = ApiError(426, "NONEXISTENT_VERSION",
                          "Requested version " + version + " is not active");
    return auth;
  }
  if (req.Header("X-Restli-Protocol-Version") != "2.0.0") {
    auth.token.reset();
    auth.error = ApiError(400, "",
                          "Rest.li protocol version 1.0.0 is not supported by this resource; "
                          "send X-Restli-Protocol-Version: 2.0.0");
  }
  return auth;
}

std::optional<http::Response> LinkedInEmulator::NeedScope(const Auth& auth,
                                                          const std::string& scope) const {
  if (auth.token->scopes.count(scope) != 0) return std::nullopt;
  return ApiError(403, "ACCESS_DENIED",
                  "Not enough permissions to access this resource: the token lacks " + scope,
                  100);
}

bool LinkedInEmulator::MayActFor(const std::string& member, const std::string& author) const {
  if (author == std::string("urn:li:person:") + member) return true;
  const std::string prefix = "urn:li:organization:";
  if (author.rfind(prefix, 0) != 0 || member != kMemberId) return false;
  auto it = roles_.find(author.substr(prefix.size()));
  return it != roles_.end() &&
         (it->second == "ADMINISTRATOR" || it->second == "CONTENT_ADMIN" ||
          it->second == "DIRECT_SPONSORED_CONTENT_POSTER");
}

LinkedInEmulator::Asset* LinkedInEmulator::ReadableAssetLocked(const Auth& auth,
                                                              std::string_view urn,
                                                              std::string_view prefix,
                                                              http::Response& error) {
  auto it = assets_.find(std::string(urn));
  if (it == assets_.end() || it->first.rfind(prefix, 0) != 0) {
    error = ApiError(404, "", "Not Found");
    return nullptr;
  }
  if (!MayActFor(auth.token->member, it->second.owner)) {
    error = prefix == "urn:li:video:"
                ? ApiError(403, "",
                           "Accessing this video resource is forbidden. Please check your "
                           "permissions for this resource")
                : ApiError(403, "ACCESS_DENIED", "Not enough permissions to read this image", 100);
    return nullptr;
  }
  return &it->second;
}

LinkedInEmulator::Asset* LinkedInEmulator::NewAssetLocked(const Auth& auth,
                                                         const std::string& owner,
                                                         std::string_view urn_prefix,
                                                         http::Response& error) {
  if (owner.empty() || !MayActFor(auth.token->member, owner)) {
    error = ApiError(403, "ACCESS_DENIED", "Not enough permissions to upload as " + owner, 100);
    return nullptr;
  }
  if (assets_.size() >= kMaxAssets) {
    error = ApiError(500, "", "too many assets in the emulator");
    return nullptr;
  }
  Asset a;
  a.urn = std::string(urn_prefix) + std::to_string(next_id_++);
  a.owner = owner;
  a.ticket = base::RandomToken();
  tickets_[a.ticket] = a.urn;
  return &(assets_[a.urn] = std::move(a));
}

// ---- routes ----

void LinkedInEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const char* pattern,
                 http::Response (LinkedInEmulator::*fn)(const http::Request&),
                 size_t body_limit = 0) {
    routes.Add(
        method, pattern,
        [this, fn](http::Request req) -> base::Task<http::Response> { co_return (this->*fn)(req); },
        body_limit);
  };
  add("GET", "/oauth/v2/authorization", &LinkedInEmulator::Authorize);
  add("POST", "/oauth/v2/accessToken", &LinkedInEmulator::Token);
  add("GET", "/v2/userinfo", &LinkedInEmulator::UserInfo);
  add("GET", "/rest/organizationAcls", &LinkedInEmulator::OrganizationAcls);
  add("GET", "/rest/organizations/{id}", &LinkedInEmulator::GetOrganization);
  add("POST", "/rest/posts", &LinkedInEmulator::CreatePost);
  add("GET", "/rest/posts", &LinkedInEmulator::ListPosts);
  add("DELETE", "/rest/posts/{urn}", &LinkedInEmulator::DeletePost);
  add("POST", "/rest/images", &LinkedInEmulator::Images);
  add("PUT", "/upload/images/{ticket}", &LinkedInEmulator::UploadImage, 64u << 20);
  add("GET", "/rest/images/{urn}", &LinkedInEmulator::GetImage);
  add("POST", "/rest/videos", &LinkedInEmulator::Videos);
  add("PUT", "/upload/videos/{ticket}/{part}", &LinkedInEmulator::UploadVideoPart, 64u << 20);
  add("GET", "/rest/videos/{urn}", &LinkedInEmulator::GetVideo);
  add("GET", "/rest/memberCreatorPostAnalytics", &LinkedInEmulator::MemberPostAnalytics);
  add("GET", "/rest/memberFollowersCount", &LinkedInEmulator::MemberFollowers);
  add("GET", "/rest/organizationalEntityShareStatistics",
      &LinkedInEmulator::OrganizationShareStatistics);
  add("GET", "/rest/networkSizes/{urn}", &LinkedInEmulator::NetworkSizes);
}

// ---- OAuth ----

http::Response LinkedInEmulator::Authorize(const http::Request& req) {
  const std::string client_id = Query(req, "client_id");
  const std::string redirect_uri = Query(req, "redirect_uri");
  const std::string state = Query(req, "state");
  if (client_id != kClientId) {
    return http::Response::Text(400, "The application could not be found (invalid client_id).");
  }
  bool redirect_ok =
      redirect_uri.rfind("http://", 0) == 0 || redirect_uri.rfind("https://", 0) == 0;
  const Json allowed = ctx_.config().value("redirect_uris", Json::array());
  if (redirect_ok && allowed.is_array() && !allowed.empty()) {
    redirect_ok = std::find(allowed.begin(), allowed.end(), Json(redirect_uri)) != allowed.end();
  }
  if (!redirect_ok) {
    return http::Response::Text(
        400, "The redirect_uri does not match the registered value: " + redirect_uri);
  }
  auto redirect = [&](FormFields fields) {
    if (!state.empty()) fields.emplace_back("state", state);
    http::Response r = http::Response::Text(302, "");
    r.headers.Set("Location", platforms::http::AppendQuery(redirect_uri, fields));
    return r;
  };
  if (Query(req, "response_type") != "code") {
    return redirect({{"error", "invalid_request"},
                     {"error_description", "response_type must be code"}});
  }
  std::set<std::string> scopes = SplitScopes(Query(req, "scope"));
  for (const std::string& s : scopes) {
    if (KnownScopes().count(s) == 0) {
      return redirect({{"error", "unauthorized_scope_error"},
                       {"error_description", "Scope \"" + s + "\" is not authorized for your "
                                             "application"}});
    }
  }
  const Json withheld = ctx_.config().value("withheld_scopes", Json::array());
  if (withheld.is_array()) {
    for (const Json& s : withheld) {
      if (s.is_string()) scopes.erase(s.get<std::string>());
    }
  }
  std::lock_guard lock(mu_);
  if (deny_next_) {
    deny_next_ = false;
    return redirect({{"error", "user_cancelled_authorize"},
                     {"error_description", "The user cancelled the authorization"}});
  }
  if (codes_.size() >= kMaxTokens) codes_.clear();
  std::string code = "AQT" + base::RandomToken();
  codes_[code] = Code{redirect_uri, scopes, ctx_.Now() + std::chrono::minutes(30)};
  return redirect({{"code", code}});
}

http::Response LinkedInEmulator::Token(const http::Request& req) {
  if (req.Header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
    return OAuthError(400, "invalid_request",
                      "A required parameter \"grant_type\" is missing (the body must be "
                      "application/x-www-form-urlencoded)");
  }
  FormFields form = ParseFormUrlEncoded(req.body);
  if (FormValue(form, "client_id") != kClientId ||
      FormValue(form, "client_secret") != kClientSecret) {
    return OAuthError(401, "invalid_client", "Client authentication failed");
  }
  const std::string grant = FormValue(form, "grant_type");
  const bool issue_refresh = ctx_.config().value("issue_refresh_tokens", false);
  std::lock_guard lock(mu_);
  if (access_.size() >= kMaxTokens) {
    return OAuthError(500, "server_error", "too many tokens in the emulator");
  }
  const base::Time now = ctx_.Now();
  if (grant == "authorization_code") {
    auto it = codes_.find(FormValue(form, "code"));
    if (it == codes_.end() || it->second.used || now >= it->second.expires_at ||
        it->second.redirect_uri != FormValue(form, "redirect_uri")) {
      return OAuthError(400, "invalid_grant",
                        "Unable to retrieve access token: appid/redirect uri/code verifier does "
                        "not match authorization code. Or authorization code expired.");
    }
    it->second.used = true;
    const std::set<std::string> scopes = it->second.scopes;
    Json body{{"access_token", IssueAccessLocked(kMemberId, scopes)},
              {"expires_in", kAccessTtlSeconds},
              {"scope", JoinScopes(scopes)},
              {"token_type", "Bearer"}};
    if (scopes.count("openid") != 0) body["id_token"] = "eyJ.emulated.idtoken";
    if (issue_refresh) {
      std::string rt = "AQX" + base::RandomToken();
      refresh_[rt] =
          RefreshToken{kMemberId, scopes, now + std::chrono::seconds(kRefreshTtlSeconds)};
      body["refresh_token"] = rt;
      body["refresh_token_expires_in"] = kRefreshTtlSeconds;
    }
    http::Response r = JsonAnswer(200, body);
    r.headers.Set("Cache-Control", "no-store");
    return r;
  }
  if (grant == "refresh_token") {
    const std::string rt = FormValue(form, "refresh_token");
    auto it = refresh_.find(rt);
    if (it == refresh_.end() || it->second.revoked || now >= it->second.expires_at) {
      return OAuthError(400, "invalid_grant",
                        "The provided authorization grant or refresh token is invalid, expired "
                        "or revoked.");
    }
    // No rotation; the refresh token's lifetime is not extended.
    const int64_t left = std::chrono::duration_cast<std::chrono::seconds>(
                             it->second.expires_at - now).count();
    Json body{{"access_token", IssueAccessLocked(it->second.member, it->second.scopes)},
              {"expires_in", kAccessTtlSeconds},
              {"refresh_token", rt},
              {"refresh_token_expires_in", left},
              {"scope", JoinScopes(it->second.scopes)},
              {"token_type", "Bearer"}};
    return JsonAnswer(200, body);
  }
  return OAuthError(400, "unsupported_grant_type", "grant_type is not supported");
}

// ---- identity and organizations ----

http::Response LinkedInEmulator::UserInfo(const http::Request& req) {
  Auth auth = Authenticate(req, false);
  if (!auth.token) return auth.error;
  if (auto denied = NeedScope(auth, "openid")) return *denied;
  std::lock_guard lock(mu_);
  return JsonAnswer(200, Json{{"sub", auth.token->member},
                              {"email_verified", true},
                              {"name", member_name_},
                              {"locale", {{"country", "GB"}, {"language", "en"}}},
                              {"given_name", "Ada"},
                              {"family_name", "Lovelace"},
                              {"picture", "https://media.licdn.test/ada.jpg"},
                              {"email", "ada@example.com"}});
}

http::Response LinkedInEmulator::OrganizationAcls(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  if (Query(req, "q") != "roleAssignee") {
    return ApiError(400, "ILLEGAL_ARGUMENT", "Invalid finder: q must be roleAssignee");
  }
  if (auth.token->scopes.count("rw_organization_admin") == 0 &&
      auth.token->scopes.count("r_organization_admin") == 0) {
    return *NeedScope(auth, "rw_organization_admin");
  }
  const std::string role = Query(req, "role");
  const std::string state = Query(req, "state");
  std::lock_guard lock(mu_);
  Json elements = Json::array();
  if (auth.token->member == kMemberId && (state.empty() || state == "APPROVED")) {
    for (const auto& [org, r] : roles_) {
      if (!role.empty() && r != role) continue;
      elements.push_back(Json{{"roleAssignee", std::string("urn:li:person:") + kMemberId},
                              {"state", "APPROVED"},
                              {"role", r},
                              {"organization", "urn:li:organization:" + org},
                              {"organizationTarget", "urn:li:organization:" + org}});
    }
  }
  return JsonAnswer(200, Json{{"paging", {{"count", 10}, {"start", 0}, {"links", Json::array()},
                                          {"total", elements.size()}}},
                              {"elements", elements}});
}

http::Response LinkedInEmulator::GetOrganization(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  std::lock_guard lock(mu_);
  auto it = organizations_.find(std::string(req.PathParam("id")));
  if (it == organizations_.end()) {
    return ApiError(404, "", "Not Found: organization " + std::string(req.PathParam("id")));
  }
  const Organization& o = it->second;
  return JsonAnswer(200, Json{{"id", std::stoll(o.id)},
                              {"localizedName", o.name},
                              {"name", {{"localized", {{"en_US", o.name}}}}},
                              {"vanityName", o.vanity},
                              {"primaryOrganizationType", "NONE"}});
}

// ---- posts ----

Json LinkedInEmulator::PostJson(const CreatedPost& post) const {
  const int64_t at = Millis(post.created_at);
  Json out{{"id", post.id},
           {"author", post.account},
           {"commentary", post.extra.value("commentary", "")},
           {"visibility", post.extra.value("visibility", "PUBLIC")},
           {"lifecycleState", "PUBLISHED"},
           {"createdAt", at},
           {"publishedAt", at},
           {"lastModifiedAt", at},
           {"isReshareDisabledByAuthor", false},
           {"distribution", {{"feedDistribution", "MAIN_FEED"},
                             {"targetEntities", Json::array()},
                             {"thirdPartyDistributionChannels", Json::array()}}}};
  if (post.extra.contains("content")) out["content"] = post.extra["content"];
  return out;
}

http::Response LinkedInEmulator::CreatePost(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object()) {
    return ApiError(400, "", "Unable to parse the request body as JSON");
  }
  const std::string author = base::GetString(*body, "author");
  const bool is_org = author.rfind("urn:li:organization:", 0) == 0;
  if (author.rfind("urn:li:person:", 0) != 0 && !is_org) {
    return InputError(422, "INVALID_URN_TYPE", "author must be a person or organization URN",
                      "ERROR :: /author :: \"" + author + "\" is not a valid author");
  }
  if (auto denied = NeedScope(auth, is_org ? "w_organization_social" : "w_member_social")) {
    return *denied;
  }
  std::string commentary = base::GetString(*body, "commentary");
  if (!platforms::text::IsValidUtf8(commentary)) {
    return InputError(422, "INVALID_VALUE", "commentary is not valid UTF-8",
                      "ERROR :: /commentary :: invalid UTF-8");
  }
  std::string problem;
  auto shown = ReadLittleText(commentary, &problem);
  if (!shown) {
    return InputError(422, "INVALID_VALUE", problem, "ERROR :: /commentary :: " + problem);
  }
  if (platforms::text::CountCodePoints(*shown) > kMaxCommentary) {
    return InputError(422, "FIELD_LENGTH_TOO_LONG",
                      "commentary is longer than " + std::to_string(kMaxCommentary) +
                          " characters",
                      "ERROR :: /commentary :: length exceeds the maximum allowed");
  }
  if (base::GetString(*body, "lifecycleState") != "PUBLISHED" &&
      base::GetString(*body, "lifecycleState") != "DRAFT") {
    return InputError(422, "MISSING_FIELD", "lifecycleState is required",
                      "ERROR :: /lifecycleState :: field is required but not found");
  }
  if (base::GetString(*body, "visibility").empty()) {
    return InputError(422, "MISSING_FIELD", "visibility is required",
                      "ERROR :: /visibility :: field is required but not found");
  }
  // The media it names.
  std::vector<std::string> media_ids;
  std::vector<std::string> alt_texts;
  Json content = body->value("content", Json());
  if (content.is_object()) {
    if (content.contains("media")) {
      media_ids.push_back(base::GetString(content["media"], "id"));
      alt_texts.push_back(base::GetString(content["media"], "altText"));
    } else if (content.contains("multiImage")) {
      const Json images = content["multiImage"].value("images", Json::array());
      if (!images.is_array() || images.size() < 2 || images.size() > 20) {
        return InputError(422, "INVALID_VALUE", "multiImage takes 2 to 20 images",
                          "ERROR :: /content/multiImage/images :: must have 2..20 items");
      }
      for (const Json& img : images) {
        media_ids.push_back(base::GetString(img, "id"));
        alt_texts.push_back(base::GetString(img, "altText"));
      }
    }
  }
  if (shown->empty() && media_ids.empty()) {
    return InputError(422, "MISSING_FIELD", "commentary or content is required",
                      "ERROR :: /commentary :: a post needs commentary or content");
  }
  std::lock_guard lock(mu_);
  if (!MayActFor(auth.token->member, author)) {
    return ApiError(403, "ACCESS_DENIED",
                    "Not enough permissions to access: partnerApiPostsExternal.CREATE.20250101 "
                    "(the member is not an administrator of " + author + ")",
                    100);
  }
  std::vector<Asset*> assets;
  for (const std::string& id : media_ids) {
    auto it = assets_.find(id);
    if (it == assets_.end() || it->second.owner != author) {
      return ApiError(400, "", "Media " + id + " does not exist or is not owned by " + author);
    }
    const std::string& status = it->second.status;
    const bool video = id.rfind("urn:li:video:", 0) == 0;
    if (status == "WAITING_UPLOAD" || status == "PROCESSING_FAILED" ||
        (video && status != "AVAILABLE")) {
      return ApiError(400, "", "Media " + id + " is not ready to be posted (status " + status +
                                   ")");
    }
    if (video && media_ids.size() > 1) {
      return ApiError(400, "", "A post has one video or images, not both");
    }
    assets.push_back(&it->second);
  }
  const base::Time now = ctx_.Now();
  const auto window = std::chrono::seconds(ctx_.ConfigInt("duplicate_window_seconds", 604800));
  for (const CreatedPost& p : ctx_.posts().List()) {
    if (!p.deleted && p.account == author && !commentary.empty() &&
        p.extra.value("commentary", "") == commentary && now - p.created_at < window) {
      return InputError(422, "DUPLICATE_POST", "Duplicate post is detected",
                        "ERROR :: /commentary :: Content is a duplicate of " + p.id);
    }
  }
  RateStatus rs = ctx_.rate_limiter().Consume(
      "posts:" + auth.token->member, 1, static_cast<int>(ctx_.ConfigInt("daily_post_limit", 150)),
      std::chrono::hours(24), now);
  if (rs.exceeded) return RateLimited(req, std::chrono::seconds(0));

  CreatedPost post;
  post.id = (media_ids.empty() ? "urn:li:share:" : "urn:li:ugcPost:") +
            std::to_string(7'100'000'000'000'000'000LL + next_id_++);
  post.account = author;
  post.text = *shown;
  post.created_at = now;
  post.url = "https://www.linkedin.com/feed/update/" + post.id + "/";
  post.extra = Json{{"commentary", commentary},
                    {"visibility", base::GetString(*body, "visibility")},
                    {"member", auth.token->member}};
  if (content.is_object()) post.extra["content"] = content;
  for (size_t i = 0; i < assets.size(); ++i) {
    post.media.push_back({assets[i]->urn, assets[i]->mime_type, alt_texts[i], assets[i]->size,
                          assets[i]->sha256});
  }
  auto added = ctx_.posts().Add(post);
  if (!added.ok()) return ApiError(500, "", added.error().message());
  for (Asset* a : assets) a->post = post.id;
  http::Response r = http::Response::Empty(201);
  r.headers.Set("x-restli-id", post.id);
  r.headers.Set("x-linkedin-id", post.id);
  return r;
}

http::Response LinkedInEmulator::ListPosts(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  if (Query(req, "q") != "author") {
    return ApiError(400, "ILLEGAL_ARGUMENT", "Invalid finder: q must be author");
  }
  const std::string author = Query(req, "author");
  if (author.rfind("urn:li:organization:", 0) == 0) {
    if (auto denied = NeedScope(auth, "r_organization_social")) return *denied;
  }
  int64_t start = 0, count = 10;
  try {
    if (!Query(req, "start").empty()) start = std::max<int64_t>(0, std::stoll(Query(req, "start")));
    if (!Query(req, "count").empty()) count = std::stoll(Query(req, "count"));
  } catch (...) {
    return ApiError(400, "ILLEGAL_ARGUMENT", "start and count must be integers");
  }
  if (count < 1 || count > 100) {
    return ApiError(400, "ILLEGAL_ARGUMENT", "count must be between 1 and 100");
  }
  std::lock_guard lock(mu_);
  if (!MayActFor(auth.token->member, author)) {
    return ApiError(403, "ACCESS_DENIED",
                    "Not enough permissions to access: partnerApiPostsExternal.FINDER-author", 100);
  }
  std::vector<CreatedPost> posts = ctx_.posts().List();
  std::reverse(posts.begin(), posts.end());
  Json elements = Json::array();
  int64_t seen = 0;
  for (const CreatedPost& p : posts) {
    if (p.deleted || p.account != author) continue;
    if (seen++ < start) continue;
    if (static_cast<int64_t>(elements.size()) >= count) continue;
    elements.push_back(PostJson(p));
  }
  return JsonAnswer(200, Json{{"paging", {{"start", start}, {"count", count},
                                          {"links", Json::array()}, {"total", seen}}},
                              {"elements", elements}});
}

http::Response LinkedInEmulator::DeletePost(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  const std::string urn(req.PathParam("urn"));
  auto post = ctx_.posts().Find(urn);
  if (!post) return ApiError(404, "", "Not Found: " + urn);
  std::lock_guard lock(mu_);
  if (!MayActFor(auth.token->member, post->account)) {
    return ApiError(403, "ACCESS_DENIED", "Not enough permissions to delete " + urn, 100);
  }
  ctx_.posts().MarkDeleted(urn);  // already deleted: 204 all the same
  return http::Response::Empty(204);
}

// ---- images ----

http::Response LinkedInEmulator::Images(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  if (Query(req, "action") != "initializeUpload") {
    return ApiError(400, "ILLEGAL_ARGUMENT", "Unsupported action for images");
  }
  auto body = base::ParseJson(req.body);
  const Json init = body.ok() && body->is_object()
                        ? body->value("initializeUploadRequest", Json::object())
                        : Json::object();
  const std::string owner = base::GetString(init, "owner");
  std::lock_guard lock(mu_);
  http::Response error;
  Asset* made = NewAssetLocked(auth, owner, "urn:li:image:C4E10AQ", error);
  if (made == nullptr) return error;
  const Asset& a = *made;
  const int64_t expires = Millis(ctx_.Now() + std::chrono::hours(24));
  return JsonAnswer(200, Json{{"value",
                               {{"uploadUrlExpiresAt", expires},
                                {"uploadUrl", "http://" + HostOf(req) + "/upload/images/" +
                                                  a.ticket},
                                {"image", a.urn}}}});
}

http::Response LinkedInEmulator::UploadImage(const http::Request& req) {
  Auth auth = Authenticate(req, false);
  if (!auth.token) return auth.error;
  std::lock_guard lock(mu_);
  auto t = tickets_.find(std::string(req.PathParam("ticket")));
  if (t == tickets_.end()) return ApiError(404, "", "Unknown upload URL");
  Asset& a = assets_[t->second];
  if (!MayActFor(auth.token->member, a.owner)) {
    return ApiError(403, "ACCESS_DENIED", "Not enough permissions to upload this image", 100);
  }
  if (req.body.empty()) return ApiError(400, "", "The upload is empty");
  a.mime_type = SniffImage(req.body);
  a.size = static_cast<int64_t>(req.body.size());
  a.sha256 = base::Sha256Hex(req.body);
  a.polls_left = ctx_.ConfigInt("image_processing_polls", 0);
  a.status = a.mime_type.empty() ? "PROCESSING_FAILED"
                                 : (a.polls_left > 0 ? "PROCESSING" : "AVAILABLE");
  return http::Response::Empty(201);
}

http::Response LinkedInEmulator::GetImage(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  std::lock_guard lock(mu_);
  http::Response error;
  Asset* found = ReadableAssetLocked(auth, req.PathParam("urn"), "urn:li:image:", error);
  if (found == nullptr) return error;
  Asset& a = *found;
  if (a.status == "PROCESSING" && --a.polls_left <= 0) a.status = "AVAILABLE";
  return JsonAnswer(200, Json{{"id", a.urn}, {"owner", a.owner}, {"status", a.status},
                              {"downloadUrl", "https://media.licdn.test/" + a.urn}});
}

// ---- videos ----

http::Response LinkedInEmulator::Videos(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  const std::string action = Query(req, "action");
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object()) return ApiError(400, "", "Unable to parse the body");
  if (action == "initializeUpload") {
    const Json init = body->value("initializeUploadRequest", Json::object());
    const std::string owner = base::GetString(init, "owner");
    const int64_t size = init.value("fileSizeBytes", int64_t{0});
    const int64_t min = ctx_.ConfigInt("video_min_bytes", 75 * 1024);
    const int64_t max = ctx_.ConfigInt("video_max_bytes", 500LL * 1024 * 1024);
    if (size < min || size > max) {
      return InputError(400, "INVALID_VALUE", "fileSizeBytes must be between " +
                                                  std::to_string(min) + " and " +
                                                  std::to_string(max),
                        "ERROR :: /initializeUploadRequest/fileSizeBytes :: out of range");
    }
    std::lock_guard lock(mu_);
    http::Response error;
    Asset* made = NewAssetLocked(auth, owner, "urn:li:video:C5F10AQ", error);
    if (made == nullptr) return error;
    Asset& a = *made;
    a.mime_type = "video/mp4";
    a.size = size;
    const int64_t part = std::max<int64_t>(1, ctx_.ConfigInt("video_part_bytes", 4194304));
    Json instructions = Json::array();
    for (int64_t first = 0; first < size; first += part) {
      const int64_t last = std::min(size, first + part) - 1;
      instructions.push_back(Json{{"uploadUrl", "http://" + HostOf(req) + "/upload/videos/" +
                                                    a.ticket + "/" +
                                                    std::to_string(a.parts.size())},
                                  {"firstByte", first},
                                  {"lastByte", last}});
      a.parts.emplace_back(first, last);
      a.etags.emplace_back();
    }
    return JsonAnswer(200, Json{{"value",
                                 {{"uploadUrlsExpireAt", Millis(ctx_.Now() + std::chrono::hours(24))},
                                  {"video", a.urn},
                                  {"uploadInstructions", instructions},
                                  {"uploadToken", ""}}}});
  }
  if (action == "finalizeUpload") {
    const Json fin = body->value("finalizeUploadRequest", Json::object());
    std::lock_guard lock(mu_);
    auto it = assets_.find(base::GetString(fin, "video"));
    if (it == assets_.end()) return ApiError(404, "", "Not Found: video");
    Asset& a = it->second;
    if (!MayActFor(auth.token->member, a.owner)) {
      return ApiError(403, "ACCESS_DENIED",
                      "Accessing this video resource is forbidden. Please check your permissions "
                      "for this resource",
                      0);
    }
    Json ids = fin.value("uploadedPartIds", Json::array());
    std::vector<std::string> given;
    if (ids.is_array()) {
      for (const Json& id : ids) given.push_back(id.is_string() ? id.get<std::string>() : "");
    }
    if (given != a.etags ||
        std::any_of(a.etags.begin(), a.etags.end(), [](const auto& e) { return e.empty(); })) {
      return ApiError(400, "", "Video upload cannot be finalized: the uploaded part ids do not "
                               "match the parts of " + a.urn);
    }
    if (a.status != "WAITING_UPLOAD") return http::Response::Empty(200);  // already finalized
    a.polls_left = ctx_.ConfigInt("video_processing_polls", 1);
    a.fail = fail_next_video_;
    fail_next_video_ = false;
    a.status = "PROCESSING";
    if (a.polls_left <= 0) a.status = a.fail ? "PROCESSING_FAILED" : "AVAILABLE";
    return http::Response::Empty(200);
  }
  return ApiError(400, "ILLEGAL_ARGUMENT", "Unsupported action for videos");
}

http::Response LinkedInEmulator::UploadVideoPart(const http::Request& req) {
  Auth auth = Authenticate(req, false);
  if (!auth.token) return auth.error;
  std::lock_guard lock(mu_);
  auto t = tickets_.find(std::string(req.PathParam("ticket")));
  if (t == tickets_.end()) return ApiError(404, "", "Unknown upload URL");
  Asset& a = assets_[t->second];
  size_t part = 0;
  try {
    part = static_cast<size_t>(std::stoul(std::string(req.PathParam("part"))));
  } catch (...) {
    part = a.parts.size();
  }
  if (part >= a.parts.size()) return ApiError(404, "", "Unknown upload part");
  const auto [first, last] = a.parts[part];
  if (static_cast<int64_t>(req.body.size()) != last - first + 1) {
    return ApiError(400, "", "Part " + std::to_string(part) + " must be " +
                                 std::to_string(last - first + 1) + " bytes, got " +
                                 std::to_string(req.body.size()));
  }
  const std::string digest = base::Sha256Hex(req.body);
  a.etags[part] = "/ambry-video/" + digest.substr(0, 24);
  a.sha256 = base::Sha256Hex(a.sha256 + digest);  // a digest of the part digests, in order
  http::Response r = http::Response::Empty(200);
  r.headers.Set("ETag", a.etags[part]);
  return r;
}

http::Response LinkedInEmulator::GetVideo(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  std::lock_guard lock(mu_);
  http::Response error;
  Asset* found = ReadableAssetLocked(auth, req.PathParam("urn"), "urn:li:video:", error);
  if (found == nullptr) return error;
  Asset& a = *found;
  if (a.status == "PROCESSING") {
    if (a.polls_left > 0) {
      --a.polls_left;
    } else {
      a.status = a.fail ? "PROCESSING_FAILED" : "AVAILABLE";
    }
  }
  Json out{{"id", a.urn}, {"owner", a.owner}, {"status", a.status},
           {"fileSizeBytes", a.size}};
  if (a.status == "PROCESSING_FAILED") {
    out["processingFailureReason"] = "The video could not be processed: unsupported encoding";
  }
  if (a.status == "AVAILABLE") out["downloadUrl"] = "https://media.licdn.test/" + a.urn;
  return JsonAnswer(200, out);
}

// ---- analytics ----

http::Response LinkedInEmulator::MemberPostAnalytics(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  if (auto denied = NeedScope(auth, "r_member_postAnalytics")) return *denied;
  static const std::regex kEntity(R"(^\((share|ugc):(urn:li:(share|ugcPost):\d+)\)$)");
  std::smatch m;
  const std::string entity = Query(req, "entity");
  if (Query(req, "q") != "entity" || !std::regex_match(entity, m, kEntity)) {
    return ApiError(400, "ILLEGAL_ARGUMENT", "entity must be (share:urn) or (ugc:urn)");
  }
  const std::string urn = m[2].str();
  const std::string type = Query(req, "queryType");
  static const std::map<std::string, std::string> kMetric = {{"IMPRESSION", "impressions"},
                                                             {"MEMBERS_REACHED", "reach"},
                                                             {"RESHARE", "reposts"},
                                                             {"REACTION", "likes"},
                                                             {"COMMENT", "replies"}};
  auto metric = kMetric.find(type);
  if (metric == kMetric.end()) return ApiError(400, "ILLEGAL_ARGUMENT", "unknown queryType");
  auto post = ctx_.posts().Find(urn);
  if (!post || post->deleted ||
      post->account != std::string("urn:li:person:") + auth.token->member) {
    return ApiError(404, "", "Not Found: " + urn);
  }
  return JsonAnswer(
      200, Json{{"paging", {{"start", 0}, {"count", 10}, {"links", Json::array()}}},
                {"elements",
                 Json::array({Json{
                     {"count", post->metrics.value(metric->second, 0)},
                     {"metricType",
                      {{"com.linkedin.adsexternalapi.memberanalytics.v1."
                        "CreatorPostAnalyticsMetricTypeV1",
                        type}}},
                     {"targetEntity", {{m[1].str(), urn}}}}})}});
}

http::Response LinkedInEmulator::MemberFollowers(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  if (auto denied = NeedScope(auth, "r_member_profileAnalytics")) return *denied;
  if (Query(req, "q") != "me") return ApiError(400, "ILLEGAL_ARGUMENT", "q must be me");
  std::lock_guard lock(mu_);
  return JsonAnswer(200, Json{{"paging", {{"start", 0}, {"count", 10}, {"links", Json::array()}}},
                              {"elements", Json::array({Json{
                                               {"memberFollowersCount", member_followers_}}})}});
}

http::Response LinkedInEmulator::OrganizationShareStatistics(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  if (auto denied = NeedScope(auth, "rw_organization_admin")) return *denied;
  const std::string org = Query(req, "organizationalEntity");
  {
    std::lock_guard lock(mu_);
    if (Query(req, "q") != "organizationalEntity" || !MayActFor(auth.token->member, org)) {
      return ApiError(403, "ACCESS_DENIED",
                      "Not enough permissions to read the statistics of " + org, 100);
    }
  }
  std::string key = "share";
  std::string urn = ListItem(Query(req, "shares"));
  if (urn.empty()) {
    key = "ugcPost";
    urn = ListItem(Query(req, "ugcPosts"));
  }
  Json elements = Json::array();
  if (!urn.empty()) {
    auto post = ctx_.posts().Find(urn);
    if (post && !post->deleted && post->account == org) {
      const Json& mt = post->metrics;
      const int64_t impressions = mt.value("impressions", int64_t{0});
      const int64_t likes = mt.value("likes", int64_t{0});
      const int64_t comments = mt.value("replies", int64_t{0});
      const int64_t shares = mt.value("reposts", int64_t{0});
      const int64_t clicks = mt.value("clicks", int64_t{0});
      const double engagement =
          impressions > 0 ? static_cast<double>(likes + comments + shares + clicks) /
                                static_cast<double>(impressions)
                          : 0.0;
      elements.push_back(Json{{"organizationalEntity", org},
                              {key, urn},
                              {"totalShareStatistics",
                               {{"uniqueImpressionsCount", mt.value("reach", int64_t{0})},
                                {"shareCount", shares},
                                {"engagement", engagement},
                                {"clickCount", clicks},
                                {"likeCount", likes},
                                {"impressionCount", impressions},
                                {"commentCount", comments}}}});
    }
  }
  return JsonAnswer(200, Json{{"paging", {{"start", 0}, {"count", 10}, {"links", Json::array()}}},
                              {"elements", elements}});
}

http::Response LinkedInEmulator::NetworkSizes(const http::Request& req) {
  Auth auth = Authenticate(req, true);
  if (!auth.token) return auth.error;
  if (Query(req, "edgeType") != "COMPANY_FOLLOWED_BY_MEMBER") {
    return ApiError(400, "ILLEGAL_ARGUMENT", "edgeType must be COMPANY_FOLLOWED_BY_MEMBER");
  }
  const std::string urn(req.PathParam("urn"));
  const std::string prefix = "urn:li:organization:";
  std::lock_guard lock(mu_);
  auto it = urn.rfind(prefix, 0) == 0 ? organizations_.find(urn.substr(prefix.size()))
                                      : organizations_.end();
  if (it == organizations_.end()) return ApiError(404, "", "Not Found: " + urn);
  return JsonAnswer(200, Json{{"firstDegreeSize", it->second.followers}});
}

// ---- faults and control ----

http::Response LinkedInEmulator::RateLimited(const http::Request&, std::chrono::seconds) {
  // LinkedIn's throttle answer: no Retry-After, no rate-limit headers.
  return ApiError(429, "",
                  "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this "
                  "resource is reached.");
}

http::Response LinkedInEmulator::ServerError(const http::Request&, int status) {
  if (status == 504) {
    return http::Response::With(504, "text/html",
                                "<html><body><h1>504 Gateway Time-out</h1></body></html>");
  }
  return ApiError(status, "", status == 500 ? "Internal Server Error"
                                            : std::string(http::StatusReason(status)));
}

http::Response LinkedInEmulator::ExpireToken(const http::Request& req) {
  (void)ExpireTokens(BearerToken(req.Header("Authorization")));
  return ApiError(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65602);
}

base::Result<Json> LinkedInEmulator::CreateToken(const Json& args) {
  std::set<std::string> scopes = KnownScopes();
  if (args.contains("scopes") && args["scopes"].is_array()) {
    scopes.clear();
    for (const Json& s : args["scopes"]) {
      if (s.is_string()) scopes.insert(s.get<std::string>());
    }
  }
  std::lock_guard lock(mu_);
  if (access_.size() >= kMaxTokens) return base::ResourceExhausted("too many tokens");
  std::string token = base::GetString(args, "token");
  if (token.empty()) {
    token = IssueAccessLocked(kMemberId, scopes);
  } else {
    access_[token] =
        AccessToken{kMemberId, scopes, ctx_.Now() + std::chrono::seconds(kAccessTtlSeconds)};
  }
  return Json{{"token", token}, {"sub", kMemberId}};
}

base::Result<void> LinkedInEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = access_.find(token);
  if (it != access_.end()) {
    it->second.revoked = true;
    return base::Ok();
  }
  auto rt = refresh_.find(token);
  if (rt == refresh_.end()) return base::NotFound("unknown token");
  rt->second.revoked = true;
  return base::Ok();
}

base::Result<void> LinkedInEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  if (!token.empty()) {
    auto it = access_.find(token);
    if (it == access_.end()) return base::NotFound("unknown token");
    it->second.expired = true;
    return base::Ok();
  }
  for (auto& [k, t] : access_) t.expired = true;
  return base::Ok();
}

base::Result<Json> LinkedInEmulator::Control(std::string_view action, const Json& body) {
  std::lock_guard lock(mu_);
  if (action == "acl") {
    const std::string org = body.contains("organization") && body["organization"].is_number()
                                ? std::to_string(body["organization"].get<int64_t>())
                                : base::GetString(body, "organization");
    if (organizations_.count(org) == 0) return base::NotFound("unknown organization " + org);
    const std::string role = base::GetString(body, "role");
    if (role.empty()) {
      roles_.erase(org);
    } else {
      roles_[org] = role;
    }
    return Json{{"organization", org}, {"role", role}};
  }
  if (action == "followers") {
    const int64_t count = body.value("count", int64_t{0});
    const std::string org = base::GetString(body, "organization");
    if (org.empty()) {
      member_followers_ = count;
    } else if (auto it = organizations_.find(org); it != organizations_.end()) {
      it->second.followers = count;
    } else {
      return base::NotFound("unknown organization " + org);
    }
    return Json{{"count", count}};
  }
  if (action == "deny_next") {
    deny_next_ = true;
    return Json::object();
  }
  if (action == "fail_next_video") {
    fail_next_video_ = true;
    return Json::object();
  }
  return base::NotFound("unknown LinkedIn control " + std::string(action));
}

Json LinkedInEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json orgs = Json::array();
  for (const auto& [id, o] : organizations_) {
    auto role = roles_.find(id);
    orgs.push_back(Json{{"id", id},
                        {"urn", "urn:li:organization:" + id},
                        {"name", o.name},
                        {"vanity_name", o.vanity},
                        {"role", role == roles_.end() ? "" : role->second},
                        {"followers", o.followers}});
  }
  return Json{{"client_id", kClientId},
              {"client_secret", kClientSecret},
              {"member", {{"sub", kMemberId},
                          {"urn", std::string("urn:li:person:") + kMemberId},
                          {"name", member_name_},
                          {"token", kSeedToken},
                          {"followers", member_followers_}}},
              {"organizations", orgs}};
}

void RegisterLinkedInEmulator(EmulatorRegistry& registry) {
  registry.Add("linkedin",
               "LinkedIn (OAuth, userinfo, organization ACLs, Posts, Images, Videos, analytics)",
               [](EmulatorContext& ctx) { return std::make_unique<LinkedInEmulator>(ctx); });
}

}  // namespace herald::emulators
