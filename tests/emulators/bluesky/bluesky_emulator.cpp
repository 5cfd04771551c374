#include "tests/emulators/bluesky/bluesky_emulator.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base/crypto.h"
#include "base/time.h"
#include "platforms/text/graphemes.h"
#include "platforms/text/utf8.h"
#include "tests/emulators/common/history_seed.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {
namespace {

constexpr std::string_view kSecret = "herald-bluesky-emulator-secret";
constexpr std::string_view kS32 = "234567abcdefghijklmnopqrstuvwxyz";
constexpr size_t kMaxEntries = 10'000;

http::Response Xrpc(int status, const Json& body) {
  return http::Response::Json(status, base::DumpJson(body));
}

http::Response XrpcError(int status, std::string error, std::string message) {
  return Xrpc(status, Json{{"error", std::move(error)}, {"message", std::move(message)}});
}

http::Response InvalidRequest(std::string message) {
  return XrpcError(400, "InvalidRequest", std::move(message));
}

http::Response AuthRequired() {
  return XrpcError(401, "AuthenticationRequired", "Authentication Required");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Base32Lower(std::string_view bytes) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

// CIDv1 look-alikes: "bafyrei" (dag-cbor, sha-256) for records, "bafkrei" (raw) for blobs.
std::string RecordCid(const Json& record) {
  return "bafyrei" + Base32Lower(base::Sha256(base::DumpJson(record))).substr(0, 52);
}
std::string BlobCid(std::string_view bytes) {
  return "bafkrei" + Base32Lower(base::Sha256(bytes)).substr(0, 52);
}

std::string S32Encode(uint64_t value, size_t width) {
  std::string out(width, kS32[0]);
  for (size_t i = 0; i < width; ++i) {
    out[width - 1 - i] = kS32[value & 31];
    value >>= 5;
  }
  return out;
}

// The TID syntax of @atproto/syntax: /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/
bool IsTid(std::string_view s) {
  if (s.size() != 13 || kS32.substr(0, 16).find(s[0]) == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return kS32.find(c) != std::string_view::npos; });
}

// Record key syntax (any type): 1-512 of [A-Za-z0-9._:~-], not "." or "..".
bool IsRecordKey(std::string_view s) {
  if (s.empty() || s.size() > 512 || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
           c == '~' || c == '-';
  });
}

std::string SignJwt(const Json& header, const Json& payload) {
  const std::string signing_input = base::Base64UrlEncode(base::DumpJson(header)) + "." +
                                    base::Base64UrlEncode(base::DumpJson(payload));
  return signing_input + "." + base::Base64UrlEncode(base::HmacSha256(kSecret, signing_input));
}

// The payload of a JWT the emulator signed, or nullopt.
std::optional<Json> VerifyJwt(std::string_view token) {
  const size_t a = token.find('.');
  const size_t b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  const std::string_view signing_input = token.substr(0, b);
  auto signature = base::Base64UrlDecode(token.substr(b + 1));
  if (!signature.ok() ||
      !base::ConstantTimeEqual(*signature, base::HmacSha256(kSecret, signing_input))) {
    return std::nullopt;
  }
  auto payload = base::Base64UrlDecode(token.substr(a + 1, b - a - 1));
  if (!payload.ok()) return std::nullopt;
  auto json = base::ParseJson(*payload);
  if (!json.ok() || !json->is_object()) return std::nullopt;
  return *json;
}

std::string HostOf(const http::Request& req) {
  std::string host(req.Header("Host"));
  const size_t colon = host.rfind(':');
  if (colon != std::string::npos) host.resize(colon);
  return host.empty() ? "localhost" : host;
}

int64_t Seconds(base::Time t) { return base::ToUnixMicros(t) / 1'000'000; }

// Validates an app.bsky.feed.post record the way the lexicon does; "" when valid.
std::string ValidatePost(const Json& record) {
  auto text = record.find("text");
  if (text == record.end()) return "Record must have the property \"text\"";
  if (!text->is_string()) return "Record/text must be a string";
  const std::string& t = text->get_ref<const std::string&>();
  if (!platforms::text::IsValidUtf8(t)) return "Record/text must be a valid string";
  if (t.size() > 3000) return "Record/text must not be longer than 3000 characters";
  if (platforms::text::CountGraphemes(t) > 300) {
    return "Record/text must not be longer than 300 graphemes";
  }
  auto created = record.find("createdAt");
  if (created == record.end()) return "Record must have the property \"createdAt\"";
  if (!created->is_string() || !base::ParseRfc3339(created->get<std::string>()).ok()) {
    return "Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)";
  }
  if (auto facets = record.find("facets"); facets != record.end()) {
    if (!facets->is_array()) return "Record/facets must be an array";
    for (size_t i = 0; i < facets->size(); ++i) {
      const Json& f = (*facets)[i];
      const std::string where = "Record/facets/" + std::to_string(i);
      if (!f.is_object() || !f.contains("index"))
        return where + " must have the property \"index\"";
      const Json& index = f["index"];
      for (const char* k : {"byteStart", "byteEnd"}) {
        if (!index.contains(k) || !index[k].is_number_integer() || index[k].get<int64_t>() < 0) {
          return where + "/index/" + k + " must be an integer >= 0";
        }
      }
      if (!f.contains("features") || !f["features"].is_array()) {
        return where + " must have the property \"features\"";
      }
    }
  }
  if (auto embed = record.find("embed"); embed != record.end()) {
    if (!embed->is_object()) return "Record/embed must be an object";
    if (base::GetString(*embed, "$type") == "app.bsky.embed.images") {
      auto images = embed->find("images");
      if (images == embed->end() || !images->is_array()) {
        return "Record/embed must have the property \"images\"";
      }
      if (images->size() > 4) return "Record/embed/images must not have more than 4 elements";
      for (size_t i = 0; i < images->size(); ++i) {
        const Json& img = (*images)[i];
        const std::string where = "Record/embed/images/" + std::to_string(i);
        if (!img.is_object() || !img.contains("alt"))
          return where + " must have the property \"alt\"";
        if (!img["alt"].is_string()) return where + "/alt must be a string";
        if (!img.contains("image") || !img["image"].is_object() || !img["image"].contains("ref")) {
          return where + "/image should be a blob ref";
        }
        const Json& blob = img["image"];
        if (base::GetString(blob, "mimeType").rfind("image/", 0) != 0) {
          return where + "/image mimeType (" + base::GetString(blob, "mimeType") +
                 ") does not match accepted types: image/*";
        }
        if (blob.value("size", int64_t{0}) > 2'000'000) {
          return where + "/image file too big (max 2000000 bytes)";
        }
      }
    }
  }
  if (auto reply = record.find("reply"); reply != record.end()) {
    for (const char* k : {"root", "parent"}) {
      if (!reply->contains(k))
        return std::string("Record/reply must have the property \"") + k + "\"";
      const Json& ref = (*reply)[k];
      if (base::GetString(ref, "uri").rfind("at://", 0) != 0) {
        return std::string("Record/reply/") + k + "/uri must be a valid at-uri";
      }
      if (base::GetString(ref, "cid").empty()) {
        return std::string("Record/reply/") + k + " must have the property \"cid\"";
      }
    }
  }
  if (auto langs = record.find("langs"); langs != record.end()) {
    if (!langs->is_array() || langs->size() > 3)
      return "Record/langs must not have more than 3 elements";
  }
  return "";
}

}  // namespace

std::string BlueskyEmulator::DidFor(std::string_view handle) {
  return "did:plc:" + Base32Lower(base::Sha256(Lower(handle))).substr(0, 24);
}

BlueskyEmulator::BlueskyEmulator(EmulatorContext& ctx) : ctx_(ctx) { Reset(); }

Json BlueskyEmulator::DefaultConfig() const {
  return Json{{"access_ttl_seconds", 7200},    {"refresh_ttl_seconds", 90 * 24 * 3600},
              {"refresh_grace_seconds", 7200}, {"create_session_limit", 30},
              {"repo_write_points", 5000},     {"global_limit", 3000},
              {"upload_limit", 50'000'000}, {"duplicate_record_status", 500}};
}

void BlueskyEmulator::Reset() {
  std::lock_guard lock(mu_);
  accounts_.clear();
  refresh_tokens_.clear();
  blobs_.clear();
  expired_access_.clear();
  expire_all_before_ = 0;
  next_serial_ = 1;
  last_tid_micros_ = 0;
  auto add = [&](const std::string& handle, const std::string& name, const std::string& password,
                 int64_t followers) {
    Account a;
    a.did = DidFor(handle);
    a.handle = handle;
    a.display_name = name;
    a.app_passwords.insert(password);
    a.followers = followers;
    a.follows = 3;
    accounts_[a.did] = a;
  };
  add(kSeedHandle, "Alice Example", kSeedAppPassword, 120);
  add("bob.test", "Bob", "app-pass-bob", 5);
  add("carol.test", "Carol", "app-pass-carol", 9);
}

BlueskyEmulator::Account* BlueskyEmulator::FindAccountLocked(std::string_view handle_or_did) {
  auto it = accounts_.find(handle_or_did);
  if (it != accounts_.end()) return &it->second;
  const std::string lower = Lower(handle_or_did);
  for (auto& [did, a] : accounts_) {
    if (Lower(a.handle) == lower) return &a;
  }
  return nullptr;
}

std::string BlueskyEmulator::IssueAccessLocked(const std::string& did, const std::string& host) {
  const int64_t now = Seconds(ctx_.Now());
  return SignJwt(Json{{"typ", "at+jwt"}, {"alg", "HS256"}},
                 Json{{"scope", "com.atproto.appPass"},
                      {"sub", did},
                      {"aud", "did:web:" + host},
                      {"iat", now},
                      {"exp", now + ctx_.ConfigInt("access_ttl_seconds", 7200)},
                      {"n", next_serial_++}});
}

std::string BlueskyEmulator::IssueRefreshLocked(const std::string& did,
                                                const std::string& app_password,
                                                const std::string& host, std::string* jti_out) {
  const int64_t now = Seconds(ctx_.Now());
  const std::string jti = "rt" + std::to_string(next_serial_++);
  if (refresh_tokens_.size() >= kMaxEntries) {
    for (auto it = refresh_tokens_.begin(); it != refresh_tokens_.end();) {
      it = (it->second.revoked || !it->second.successor.empty()) ? refresh_tokens_.erase(it)
                                                                 : std::next(it);
    }
    // Still full of live sessions: drop some (their refresh tokens then read as revoked).
    while (refresh_tokens_.size() >= kMaxEntries) refresh_tokens_.erase(refresh_tokens_.begin());
  }
  refresh_tokens_[jti] = RefreshToken{did, app_password, false, "", {}};
  if (jti_out != nullptr) *jti_out = jti;
  return SignJwt(Json{{"typ", "refresh+jwt"}, {"alg", "HS256"}},
                 Json{{"scope", "com.atproto.refresh"},
                      {"sub", did},
                      {"aud", "did:web:" + host},
                      {"jti", jti},
                      {"iat", now},
                      {"exp", now + ctx_.ConfigInt("refresh_ttl_seconds", 90 * 24 * 3600)}});
}

Json BlueskyEmulator::SessionJsonLocked(const Account& a, const std::string& access,
                                        const std::string& refresh) const {
  return Json{
      {"did", a.did},           {"handle", a.handle},       {"email", a.handle + "@example.test"},
      {"emailConfirmed", true}, {"emailAuthFactor", false}, {"active", true},
      {"accessJwt", access},    {"refreshJwt", refresh}};
}

BlueskyEmulator::Auth BlueskyEmulator::VerifyLocked(const http::Request& req, bool refresh) {
  Auth auth;
  const std::string token = BearerToken(req.Header("Authorization"));
  if (token.empty()) {
    auth.error = XrpcError(401, "AuthMissing", "Authentication Required");
    return auth;
  }
  auto payload = VerifyJwt(token);
  if (!payload) {
    auth.error = XrpcError(400, "InvalidToken", "Token could not be verified");
    return auth;
  }
  if (payload->value("exp", int64_t{0}) <= Seconds(ctx_.Now())) {
    auth.error = XrpcError(400, "ExpiredToken", "Token has expired");
    return auth;
  }
  const std::string scope = base::GetString(*payload, "scope");
  const bool is_refresh = scope == "com.atproto.refresh";
  if (refresh != is_refresh) {
    auth.error = XrpcError(400, "InvalidToken", "Bad token scope");
    return auth;
  }
  if (!refresh &&
      (expired_access_.count(token) > 0 || payload->value("n", int64_t{0}) <= expire_all_before_)) {
    auth.error = XrpcError(400, "ExpiredToken", "Token has expired");
    return auth;
  }
  auth.did = base::GetString(*payload, "sub");
  auth.jti = base::GetString(*payload, "jti");
  if (accounts_.find(auth.did) == accounts_.end()) {
    auth.error = XrpcError(400, "InvalidToken", "Token could not be verified");
  }
  return auth;
}

bool BlueskyEmulator::RateLimitedLocked(const std::string& key, int points, int64_t limit,
                                        std::chrono::seconds window, http::Headers& headers) {
  RateStatus s =
      ctx_.rate_limiter().Consume(key, points, static_cast<int>(limit), window, ctx_.Now());
  headers.Set("RateLimit-Limit", std::to_string(s.limit));
  headers.Set("RateLimit-Remaining", std::to_string(s.remaining));
  headers.Set("RateLimit-Reset", std::to_string(Seconds(s.reset_at)));
  headers.Set("RateLimit-Policy", std::to_string(s.limit) + ";w=" + std::to_string(window.count()));
  if (s.exceeded) {
    const auto wait = std::chrono::duration_cast<std::chrono::seconds>(s.reset_at - ctx_.Now());
    headers.Set("Retry-After", std::to_string(std::max<int64_t>(1, wait.count())));
  }
  return s.exceeded;
}

std::string BlueskyEmulator::NextTidLocked() {
  const int64_t micros = std::max(base::ToUnixMicros(ctx_.Now()), last_tid_micros_ + 1);
  last_tid_micros_ = micros;
  return S32Encode(static_cast<uint64_t>(micros), 11) + S32Encode(0, 2);
}

namespace {
http::Response With(http::Response r, const http::Headers& headers) {
  headers.ForEach([&](std::string_view k, std::string_view v) { r.headers.Set(k, v); });
  return r;
}
http::Response LimitExceeded(const http::Headers& headers) {
  return With(XrpcError(429, "RateLimitExceeded", "Rate Limit Exceeded"), headers);
}
}  // namespace

void BlueskyEmulator::AddRoutes(ApiRoutes& routes) {
  auto add = [&](const char* method, const char* nsid,
                 http::Response (BlueskyEmulator::*fn)(const http::Request&), size_t limit = 0) {
    routes.Add(
        method, std::string("/xrpc/") + nsid,
        [this, fn](http::Request req) -> base::Task<http::Response> { co_return (this->*fn)(req); },
        limit);
  };
  add("POST", "com.atproto.server.createSession", &BlueskyEmulator::CreateSession);
  add("POST", "com.atproto.server.refreshSession", &BlueskyEmulator::RefreshSession);
  add("POST", "com.atproto.repo.uploadBlob", &BlueskyEmulator::UploadBlob, 128u << 20);
  add("POST", "com.atproto.repo.createRecord", &BlueskyEmulator::CreateRecord);
  add("GET", "com.atproto.repo.getRecord", &BlueskyEmulator::GetRecord);
  add("POST", "com.atproto.repo.deleteRecord", &BlueskyEmulator::DeleteRecord);
  add("GET", "com.atproto.identity.resolveHandle", &BlueskyEmulator::ResolveHandle);
  add("GET", "app.bsky.feed.getPosts", &BlueskyEmulator::GetPosts);
  add("GET", "app.bsky.actor.getProfile", &BlueskyEmulator::GetProfile);
  add("GET", "app.bsky.feed.getAuthorFeed", &BlueskyEmulator::GetAuthorFeed);
  for (const char* method : {"GET", "POST"}) {
    routes.Add(method, "/xrpc/{nsid}", [](http::Request) -> base::Task<http::Response> {
      co_return XrpcError(501, "MethodNotImplemented", "Method Not Implemented");
    });
  }
}

http::Response BlueskyEmulator::CreateSession(const http::Request& req) {
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object()) return InvalidRequest("Input must be an object");
  for (const char* k : {"identifier", "password"}) {
    if (!body->contains(k) || !(*body)[k].is_string()) {
      return InvalidRequest(std::string("Input must have the property \"") + k + "\"");
    }
  }
  const std::string identifier = Lower(base::GetString(*body, "identifier"));
  const std::string password = base::GetString(*body, "password");
  std::lock_guard lock(mu_);
  http::Headers rate;
  if (RateLimitedLocked("createSession:" + identifier, 1,
                        ctx_.ConfigInt("create_session_limit", 30), std::chrono::minutes(5),
                        rate)) {
    return LimitExceeded(rate);
  }
  Account* account = FindAccountLocked(identifier);
  if (account == nullptr || account->app_passwords.count(password) == 0) {
    return With(XrpcError(401, "AuthenticationRequired", "Invalid identifier or password"), rate);
  }
  const std::string host = HostOf(req);
  const std::string access = IssueAccessLocked(account->did, host);
  const std::string refresh = IssueRefreshLocked(account->did, password, host);
  return With(Xrpc(200, SessionJsonLocked(*account, access, refresh)), rate);
}

http::Response BlueskyEmulator::RefreshSession(const http::Request& req) {
  std::lock_guard lock(mu_);
  Auth auth = VerifyLocked(req, /*refresh=*/true);
  if (auth.error) return *auth.error;
  auto it = refresh_tokens_.find(auth.jti);
  if (it == refresh_tokens_.end() || it->second.revoked) {
    return XrpcError(400, "ExpiredToken", "Token has been revoked");
  }
  const std::string host = HostOf(req);
  const base::Time now = ctx_.Now();
  Account& account = accounts_[auth.did];
  if (!it->second.successor.empty()) {
    // Reuse within the grace window yields the same successor (a lost answer can be retried).
    const auto grace = std::chrono::seconds(ctx_.ConfigInt("refresh_grace_seconds", 7200));
    auto next = refresh_tokens_.find(it->second.successor);
    if (now - it->second.rotated_at > grace || next == refresh_tokens_.end() ||
        next->second.revoked) {
      return XrpcError(400, "ExpiredToken", "Token has been revoked");
    }
    const int64_t secs = Seconds(now);
    const std::string refresh =
        SignJwt(Json{{"typ", "refresh+jwt"}, {"alg", "HS256"}},
                Json{{"scope", "com.atproto.refresh"},
                     {"sub", auth.did},
                     {"aud", "did:web:" + host},
                     {"jti", it->second.successor},
                     {"iat", secs},
                     {"exp", secs + ctx_.ConfigInt("refresh_ttl_seconds", 90 * 24 * 3600)}});
    return Xrpc(200, SessionJsonLocked(account, IssueAccessLocked(auth.did, host), refresh));
  }
  std::string successor;
  const std::string app_password = it->second.app_password;
  const std::string refresh = IssueRefreshLocked(auth.did, app_password, host, &successor);
  auto again = refresh_tokens_.find(auth.jti);  // IssueRefreshLocked may have pruned the map
  if (again != refresh_tokens_.end()) {
    again->second.successor = successor;
    again->second.rotated_at = now;
  }
  return Xrpc(200, SessionJsonLocked(account, IssueAccessLocked(auth.did, host), refresh));
}

http::Response BlueskyEmulator::UploadBlob(const http::Request& req) {
  std::lock_guard lock(mu_);
  Auth auth = VerifyLocked(req, false);
  if (auth.error) return *auth.error;
  http::Headers rate;
  if (RateLimitedLocked("global", 1, ctx_.ConfigInt("global_limit", 3000), std::chrono::minutes(5),
                        rate)) {
    return LimitExceeded(rate);
  }
  if (static_cast<int64_t>(req.body.size()) > ctx_.ConfigInt("upload_limit", 50'000'000)) {
    return With(XrpcError(413, "PayloadTooLarge", "request entity too large"), rate);
  }
  if (req.body.empty())
    return With(InvalidRequest("Request encoding (Content-Type) required"), rate);
  std::string mime(req.Header("Content-Type"));
  if (mime.empty()) mime = "application/octet-stream";
  if (const size_t semi = mime.find(';'); semi != std::string::npos) mime.resize(semi);
  const std::string cid = BlobCid(req.body);
  if (blobs_.size() >= kMaxEntries && blobs_.count(cid) == 0) {
    return With(XrpcError(500, "InternalServerError", "Internal Server Error"), rate);
  }
  blobs_[cid] =
      Blob{auth.did, mime, static_cast<int64_t>(req.body.size()), base::Sha256Hex(req.body)};
  return With(Xrpc(200, Json{{"blob",
                              {{"$type", "blob"},
                               {"ref", {{"$link", cid}}},
                               {"mimeType", mime},
                               {"size", req.body.size()}}}}),
              rate);
}

http::Response BlueskyEmulator::CreateRecord(const http::Request& req) {
  std::lock_guard lock(mu_);
  Auth auth = VerifyLocked(req, false);
  if (auth.error) return *auth.error;
  http::Headers rate;
  if (RateLimitedLocked("global", 1, ctx_.ConfigInt("global_limit", 3000), std::chrono::minutes(5),
                        rate) ||
      RateLimitedLocked("repo-write-hour:" + auth.did, 3, ctx_.ConfigInt("repo_write_points", 5000),
                        std::chrono::hours(1), rate)) {
    return LimitExceeded(rate);
  }
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object())
    return With(InvalidRequest("Input must be an object"), rate);
  for (const char* k : {"repo", "collection", "record"}) {
    if (!body->contains(k)) {
      return With(InvalidRequest(std::string("Input must have the property \"") + k + "\""), rate);
    }
  }
  const std::string repo = base::GetString(*body, "repo");
  Account* account = FindAccountLocked(repo);
  if (account == nullptr) return With(InvalidRequest("Could not find repo: " + repo), rate);
  if (account->did != auth.did) return With(AuthRequired(), rate);
  const std::string collection = base::GetString(*body, "collection");
  const Json& record = (*body)["record"];
  if (!record.is_object()) return With(InvalidRequest("Input/record must be an object"), rate);
  if (base::GetString(record, "$type") != collection) {
    return With(InvalidRequest("Invalid $type: expected " + collection + ", got " +
                               base::GetString(record, "$type", "undefined")),
                rate);
  }
  std::string rkey = base::GetString(*body, "rkey");
  const bool is_post = collection == "app.bsky.feed.post";
  if (!rkey.empty()) {
    if (!IsRecordKey(rkey)) return With(InvalidRequest("Invalid record key: " + rkey), rate);
    if (is_post && !IsTid(rkey)) {
      return With(InvalidRequest("Invalid record key for app.bsky.feed.post: TID syntax not "
                                 "valid (regex)"),
                  rate);
    }
  } else {
    rkey = NextTidLocked();
  }
  if (is_post) {
    const std::string problem = ValidatePost(record);
    if (!problem.empty()) {
      return With(InvalidRequest("Invalid app.bsky.feed.post record: " + problem), rate);
    }
  }
  std::vector<MediaRecord> media;
  if (auto embed = record.find("embed"); embed != record.end() && embed->contains("images")) {
    for (const Json& img : (*embed)["images"]) {
      const Json& blob = img["image"];
      const std::string cid = base::GetString(blob.value("ref", Json::object()), "$link");
      auto it = blobs_.find(cid);
      if (it == blobs_.end() || it->second.did != auth.did) {
        return With(XrpcError(400, "BlobNotFound", "Could not find blob: " + cid), rate);
      }
      if (base::GetString(blob, "mimeType") != it->second.mime_type) {
        return With(
            XrpcError(400, "InvalidMimeType",
                      "Referenced Mimetype does not match stored blob. Expected: " +
                          it->second.mime_type + ", Got: " + base::GetString(blob, "mimeType")),
            rate);
      }
      if (blob.value("size", int64_t{-1}) != it->second.size) {
        return With(XrpcError(400, "InvalidSize", "Referenced Size does not match stored blob."),
                    rate);
      }
      media.push_back({cid, it->second.mime_type, base::GetString(img, "alt"), it->second.size,
                       it->second.sha256});
    }
  }
  const std::string uri = "at://" + account->did + "/" + collection + "/" + rkey;
  if (auto existing = ctx_.posts().Find(uri); existing && !existing->deleted) {
    // The repository's tree refuses a second value at the same key; the reference PDS lets
    // that error escape as a generic 500, other PDS implementations answer 400 (config
    // "duplicate_record_status").
    if (ctx_.ConfigInt("duplicate_record_status", 500) == 400) {
      return With(InvalidRequest("Record already exists"), rate);
    }
    return With(XrpcError(500, "InternalServerError", "Internal Server Error"), rate);
  }
  const std::string cid = RecordCid(record);
  CreatedPost post;
  post.id = uri;
  post.account = account->did;
  post.text = base::GetString(record, "text");
  post.media = std::move(media);
  if (auto reply = record.find("reply"); reply != record.end()) {
    post.reply_to = base::GetString((*reply)["parent"], "uri");
  }
  post.idempotency_key = rkey;
  post.url = "https://bsky.app/profile/" + account->handle + "/post/" + rkey;
  post.created_at = ctx_.Now();
  post.extra = Json{{"record", record}, {"cid", cid}, {"rkey", rkey}, {"collection", collection}};
  auto added = ctx_.posts().Add(std::move(post));
  if (!added.ok())
    return With(XrpcError(500, "InternalServerError", "Internal Server Error"), rate);
  const std::string rev = NextTidLocked();
  return With(Xrpc(200, Json{{"uri", uri},
                             {"cid", cid},
                             {"commit", {{"cid", RecordCid(Json{{"rev", rev}})}, {"rev", rev}}},
                             {"validationStatus", is_post ? "valid" : "unknown"}}),
              rate);
}

http::Response BlueskyEmulator::GetRecord(const http::Request& req) {
  for (const char* k : {"repo", "collection", "rkey"}) {
    if (!req.Query(k))
      return InvalidRequest(std::string("Params must have the property \"") + k + "\"");
  }
  std::lock_guard lock(mu_);
  Account* account = FindAccountLocked(*req.Query("repo"));
  if (account == nullptr) return InvalidRequest("Could not locate record");
  const std::string uri = "at://" + account->did + "/" + std::string(*req.Query("collection")) +
                          "/" + std::string(*req.Query("rkey"));
  auto post = ctx_.posts().Find(uri);
  if (!post || post->deleted) {
    return XrpcError(400, "RecordNotFound", "Could not locate record: " + uri);
  }
  return Xrpc(200,
              Json{{"uri", uri}, {"cid", post->extra["cid"]}, {"value", post->extra["record"]}});
}

http::Response BlueskyEmulator::DeleteRecord(const http::Request& req) {
  std::lock_guard lock(mu_);
  Auth auth = VerifyLocked(req, false);
  if (auth.error) return *auth.error;
  http::Headers rate;
  if (RateLimitedLocked("global", 1, ctx_.ConfigInt("global_limit", 3000), std::chrono::minutes(5),
                        rate) ||
      RateLimitedLocked("repo-write-hour:" + auth.did, 1, ctx_.ConfigInt("repo_write_points", 5000),
                        std::chrono::hours(1), rate)) {
    return LimitExceeded(rate);
  }
  auto body = base::ParseJson(req.body);
  if (!body.ok() || !body->is_object())
    return With(InvalidRequest("Input must be an object"), rate);
  for (const char* k : {"repo", "collection", "rkey"}) {
    if (!body->contains(k)) {
      return With(InvalidRequest(std::string("Input must have the property \"") + k + "\""), rate);
    }
  }
  Account* account = FindAccountLocked(base::GetString(*body, "repo"));
  if (account == nullptr) {
    return With(InvalidRequest("Could not find repo: " + base::GetString(*body, "repo")), rate);
  }
  if (account->did != auth.did) return With(AuthRequired(), rate);
  const std::string uri = "at://" + account->did + "/" + base::GetString(*body, "collection") +
                          "/" + base::GetString(*body, "rkey");
  if (!ctx_.posts().MarkDeleted(uri)) return With(Xrpc(200, Json::object()), rate);
  const std::string rev = NextTidLocked();
  return With(Xrpc(200, Json{{"commit", {{"cid", RecordCid(Json{{"rev", rev}})}, {"rev", rev}}}}),
              rate);
}

http::Response BlueskyEmulator::ResolveHandle(const http::Request& req) {
  auto handle = req.Query("handle");
  if (!handle) return InvalidRequest("Params must have the property \"handle\"");
  std::lock_guard lock(mu_);
  Account* account = FindAccountLocked(*handle);
  if (account == nullptr || account->did == *handle)
    return InvalidRequest("Unable to resolve handle");
  return Xrpc(200, Json{{"did", account->did}});
}

Json BlueskyEmulator::PostViewLocked(const CreatedPost& post) const {
  auto author = accounts_.find(post.account);
  const auto live_replies = static_cast<int64_t>(
      ctx_.posts().CountLive([&](const CreatedPost& p) { return p.reply_to == post.id; }));
  const Json& m = post.metrics;
  return Json{{"uri", post.id},
              {"cid", post.extra.value("cid", "")},
              {"author",
               {{"did", post.account},
                {"handle", author == accounts_.end() ? "handle.invalid" : author->second.handle},
                {"displayName", author == accounts_.end() ? "" : author->second.display_name}}},
              {"record", post.extra.value("record", Json::object())},
              {"replyCount", m.value("replies", live_replies)},
              {"repostCount", m.value("reposts", 0)},
              {"likeCount", m.value("likes", 0)},
              {"quoteCount", m.value("quotes", 0)},
              {"bookmarkCount", 0},
              {"indexedAt", base::FormatRfc3339(post.created_at)},
              {"labels", Json::array()}};
}

http::Response BlueskyEmulator::GetPosts(const http::Request& req) {
  std::vector<std::string> uris;
  for (const auto& [k, v] : req.query_params) {
    if (k == "uris") uris.push_back(v);
  }
  if (uris.empty()) return InvalidRequest("Params must have the property \"uris\"");
  if (uris.size() > 25) return InvalidRequest("Error: uris must not have more than 25 elements");
  std::lock_guard lock(mu_);
  if (!req.Header("Authorization").empty()) {
    Auth auth = VerifyLocked(req, false);
    if (auth.error) return *auth.error;
  }
  Json posts = Json::array();
  for (const std::string& uri : uris) {
    auto post = ctx_.posts().Find(uri);
    if (post && !post->deleted) posts.push_back(PostViewLocked(*post));
  }
  return Xrpc(200, Json{{"posts", posts}});
}

http::Response BlueskyEmulator::GetProfile(const http::Request& req) {
  auto actor = req.Query("actor");
  if (!actor) return InvalidRequest("Params must have the property \"actor\"");
  std::lock_guard lock(mu_);
  if (!req.Header("Authorization").empty()) {
    Auth auth = VerifyLocked(req, false);
    if (auth.error) return *auth.error;
  }
  Account* account = FindAccountLocked(*actor);
  if (account == nullptr) return InvalidRequest("Profile not found");
  const auto posts = static_cast<int64_t>(
      ctx_.posts().CountLive([&](const CreatedPost& p) { return p.account == account->did; }));
  return Xrpc(200, Json{{"did", account->did},
                        {"handle", account->handle},
                        {"displayName", account->display_name},
                        {"followersCount", account->followers},
                        {"followsCount", account->follows},
                        {"postsCount", posts},
                        {"indexedAt", "2024-01-01T00:00:00.000Z"},
                        {"createdAt", "2023-04-01T00:00:00.000Z"},
                        {"labels", Json::array()}});
}

http::Response BlueskyEmulator::RateLimited(const http::Request&,
                                            std::chrono::seconds retry_after) {
  const int64_t limit = ctx_.ConfigInt("global_limit", 3000);
  http::Response r = XrpcError(429, "RateLimitExceeded", "Rate Limit Exceeded");
  r.headers.Set("RateLimit-Limit", std::to_string(limit));
  r.headers.Set("RateLimit-Remaining", "0");
  r.headers.Set("RateLimit-Reset", std::to_string(Seconds(ctx_.Now() + retry_after)));
  r.headers.Set("RateLimit-Policy", std::to_string(limit) + ";w=300");
  r.headers.Set("Retry-After", std::to_string(retry_after.count()));
  return r;
}

http::Response BlueskyEmulator::ServerError(const http::Request&, int status) {
  switch (status) {
    case 502:
      return XrpcError(502, "UpstreamFailure", "Upstream Failure");
    case 503:
      return XrpcError(503, "NotEnoughResources", "Not Enough Resources");
    case 504:
      return XrpcError(504, "UpstreamTimeout", "Upstream Timeout");
    default:
      return XrpcError(status, "InternalServerError", "Internal Server Error");
  }
}

http::Response BlueskyEmulator::ExpireToken(const http::Request& req) {
  const std::string token = BearerToken(req.Header("Authorization"));
  std::lock_guard lock(mu_);
  auto payload = VerifyJwt(token);
  if (!payload) return XrpcError(401, "AuthMissing", "Authentication Required");
  if (base::GetString(*payload, "scope") == "com.atproto.refresh") {
    auto it = refresh_tokens_.find(base::GetString(*payload, "jti"));
    if (it != refresh_tokens_.end()) it->second.revoked = true;
    return XrpcError(400, "ExpiredToken", "Token has been revoked");
  }
  if (expired_access_.size() >= kMaxEntries) {
    expired_access_.clear();
    expire_all_before_ = next_serial_ - 1;
  }
  expired_access_.insert(token);
  return XrpcError(400, "ExpiredToken", "Token has expired");
}

base::Result<Json> BlueskyEmulator::CreateToken(const Json& args) {
  const std::string handle = Lower(base::GetString(args, "handle", kSeedHandle));
  std::lock_guard lock(mu_);
  Account* account = FindAccountLocked(handle);
  if (account == nullptr) {
    if (accounts_.size() >= kMaxEntries) return base::ResourceExhausted("too many accounts");
    Account a;
    a.did = DidFor(handle);
    a.handle = handle;
    a.display_name = base::GetString(args, "display_name", handle);
    account = &(accounts_[a.did] = a);
  }
  std::string password = base::GetString(args, "app_password");
  if (password.empty()) password = "app-pass-" + std::to_string(next_serial_++);
  account->app_passwords.insert(password);
  return Json{{"did", account->did}, {"handle", account->handle}, {"app_password", password}};
}

base::Result<void> BlueskyEmulator::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  for (auto& [did, a] : accounts_) {
    if (a.app_passwords.erase(std::string(token)) > 0) {
      // Revoking an app password ends the sessions made with it.
      for (auto& [jti, rt] : refresh_tokens_) {
        if (rt.did == did && rt.app_password == token) rt.revoked = true;
      }
      return base::Ok();
    }
  }
  auto payload = VerifyJwt(token);
  if (!payload) return base::NotFound("no such app password or token");
  if (base::GetString(*payload, "scope") == "com.atproto.refresh") {
    auto it = refresh_tokens_.find(base::GetString(*payload, "jti"));
    if (it == refresh_tokens_.end()) return base::NotFound("no such refresh token");
    it->second.revoked = true;
    return base::Ok();
  }
  expired_access_.insert(std::string(token));
  return base::Ok();
}

base::Result<void> BlueskyEmulator::ExpireTokens(std::string_view token) {
  std::lock_guard lock(mu_);
  if (token.empty()) {
    expire_all_before_ = next_serial_ - 1;
    return base::Ok();
  }
  auto payload = VerifyJwt(token);
  if (!payload || base::GetString(*payload, "scope") == "com.atproto.refresh") {
    return base::NotFound("not an access token of this emulator");
  }
  expired_access_.insert(std::string(token));
  return base::Ok();
}

http::Response BlueskyEmulator::GetAuthorFeed(const http::Request& req) {
  auto actor = req.Query("actor");
  if (!actor) return InvalidRequest("Params must have the property \"actor\"");
  int64_t limit = 50;
  if (auto l = req.Query("limit")) {
    limit = std::atoll(std::string(*l).c_str());
    if (limit < 1 || limit > 100) return InvalidRequest("limit must be between 1 and 100");
  }
  // The cursor is an offset into the newest-first feed (opaque to clients).
  size_t start = 0;
  if (auto c = req.Query("cursor"))
    start = static_cast<size_t>(std::atoll(std::string(*c).c_str()));
  std::string did;
  {
    std::lock_guard lock(mu_);
    if (!req.Header("Authorization").empty()) {
      Auth auth = VerifyLocked(req, false);
      if (auth.error) return *auth.error;
    }
    Account* account = FindAccountLocked(*actor);
    if (account == nullptr) return InvalidRequest("Profile not found");
    did = account->did;
  }
  std::vector<CreatedPost> posts = AuthorPosts(ctx_.posts(), did);
  std::lock_guard lock(mu_);
  Json feed = Json::array();
  size_t i = start;
  for (; i < posts.size() && static_cast<int64_t>(feed.size()) < limit; ++i) {
    feed.push_back(Json{{"post", PostViewLocked(posts[i])}});
  }
  Json out{{"feed", std::move(feed)}};
  if (i < posts.size()) out["cursor"] = std::to_string(i);
  return Xrpc(200, out);
}

base::Result<Json> BlueskyEmulator::SeedHistory(const Json& body) {
  HERALD_ASSIGN_OR_RETURN(std::vector<SeedPost> seeds, PlanHistorySeed(body, ctx_.Now()));
  const std::string wanted = base::GetString(body, "account", kSeedHandle);
  std::string did;
  std::string handle;
  {
    std::lock_guard lock(mu_);
    Account* account = FindAccountLocked(wanted);
    if (account == nullptr) return base::NotFound("account: no account '" + wanted + "'");
    did = account->did;
    handle = account->handle;
  }
  Json ids = Json::array();
  int64_t serial = 0;
  for (SeedPost& seed : seeds) {
    // A TID from the post's own time, so record keys sort like the posts.
    const std::string rkey =
        S32Encode(static_cast<uint64_t>(base::ToUnixMicros(seed.created_at)), 11) +
        S32Encode(static_cast<uint64_t>(serial++ % 1024), 2);
    Json record{{"$type", "app.bsky.feed.post"},
                {"text", seed.text},
                {"createdAt", base::FormatRfc3339(seed.created_at)}};
    CreatedPost post;
    post.id = "at://" + did + "/app.bsky.feed.post/" + rkey;
    post.account = did;
    post.text = std::move(seed.text);
    post.idempotency_key = rkey;
    post.url = "https://bsky.app/profile/" + handle + "/post/" + rkey;
    post.created_at = seed.created_at;
    post.extra = Json{{"record", record},
                      {"cid", RecordCid(record)},
                      {"rkey", rkey},
                      {"collection", "app.bsky.feed.post"}};
    post.metrics = std::move(seed.metrics);
    HERALD_ASSIGN_OR_RETURN(CreatedPost added, ctx_.posts().Add(std::move(post)));
    ids.push_back(added.id);
  }
  return Json{{"created", ids.size()}, {"ids", std::move(ids)}};
}

base::Result<Json> BlueskyEmulator::Control(std::string_view action, const Json& body) {
  if (action == "history") return SeedHistory(body);
  if (action != "accounts") return NetworkEmulator::Control(action, body);
  const std::string handle = Lower(base::GetString(body, "handle"));
  if (handle.empty()) return base::InvalidArgument("handle is required");
  std::lock_guard lock(mu_);
  Account* account = FindAccountLocked(handle);
  if (account == nullptr) {
    Account a;
    a.did = DidFor(handle);
    a.handle = handle;
    a.display_name = handle;
    account = &(accounts_[a.did] = a);
  }
  account->display_name = base::GetString(body, "display_name", account->display_name);
  account->followers = body.value("followers_count", account->followers);
  account->follows = body.value("follows_count", account->follows);
  return Json{{"did", account->did}, {"handle", account->handle}};
}

Json BlueskyEmulator::Info() const {
  std::lock_guard lock(mu_);
  Json accounts = Json::array();
  for (const auto& [did, a] : accounts_) {
    accounts.push_back(
        Json{{"did", did},
             {"handle", a.handle},
             {"app_passwords",
              Json(std::vector<std::string>(a.app_passwords.begin(), a.app_passwords.end()))}});
  }
  return Json{{"accounts", accounts}};
}

void RegisterBlueskyEmulator(EmulatorRegistry& registry) {
  registry.Add("bluesky", "Bluesky / AT Protocol PDS (sessions, blobs, records, feed queries)",
               [](EmulatorContext& ctx) { return std::make_unique<BlueskyEmulator>(ctx); });
}

}  // namespace herald::emulators
