#include "platforms/bluesky/bluesky_wire.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/crypto.h"
#include "platforms/text/facets.h"

namespace herald::platforms::bluesky {
namespace {

constexpr std::string_view kS32 = "234567abcdefghijklmnopqrstuvwxyz";

std::string S32Encode(uint64_t value, size_t width) {
  std::string out(width, kS32[0]);
  for (size_t i = 0; i < width; ++i) {
    out[width - 1 - i] = kS32[value & 31];
    value >>= 5;
  }
  return out;
}

base::Result<Json> ParseObject(std::string_view body, std::string_view what) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_object()) {
    return base::InvalidArgument("Bluesky sent an unexpected " + std::string(what) +
                                 " (not a JSON object)");
  }
  return *parsed;
}

int64_t Int(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

base::Result<BlueskySession> ParseSession(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "session"));
  BlueskySession s;
  s.did = base::GetString(j, "did");
  s.handle = base::GetString(j, "handle");
  s.access_jwt = base::GetString(j, "accessJwt");
  s.refresh_jwt = base::GetString(j, "refreshJwt");
  if (s.did.empty() || s.access_jwt.empty() || s.refresh_jwt.empty()) {
    return base::InvalidArgument("Bluesky sent a session without did, accessJwt or refreshJwt");
  }
  return s;
}

XrpcError ParseXrpcError(std::string_view body) {
  auto parsed = base::ParseJson(body);
  if (!parsed.ok() || !parsed->is_object()) return {};
  return {base::GetString(*parsed, "error"), base::GetString(*parsed, "message")};
}

base::Result<StrongRef> ParseStrongRef(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "record reference"));
  StrongRef ref{base::GetString(j, "uri"), base::GetString(j, "cid")};
  if (ref.uri.empty() || ref.cid.empty()) {
    return base::InvalidArgument("Bluesky sent a record reference without uri or cid");
  }
  return ref;
}

base::Result<Json> ParseBlob(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "blob"));
  auto it = j.find("blob");
  if (it == j.end() || !it->is_object() || !it->contains("ref")) {
    return base::InvalidArgument("Bluesky sent an upload answer without a blob");
  }
  return *it;
}

base::Result<std::optional<PostCounts>> ParsePostCounts(std::string_view body,
                                                        std::string_view uri) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "post list"));
  auto posts = j.find("posts");
  if (posts == j.end() || !posts->is_array()) {
    return base::InvalidArgument("Bluesky sent a post list without posts");
  }
  for (const Json& p : *posts) {
    if (base::GetString(p, "uri") != uri) continue;
    PostCounts c;
    c.likes = Int(p, "likeCount");
    c.reposts = Int(p, "repostCount");
    c.replies = Int(p, "replyCount");
    c.quotes = Int(p, "quoteCount");
    return std::optional<PostCounts>(c);
  }
  return std::optional<PostCounts>();
}

base::Result<FeedPage> ParseAuthorFeed(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "author feed"));
  auto feed = j.find("feed");
  if (feed == j.end() || !feed->is_array()) {
    return base::InvalidArgument("Bluesky sent an author feed without a feed");
  }
  FeedPage page;
  page.cursor = base::GetString(j, "cursor");
  for (const Json& item : *feed) {
    auto post = item.find("post");
    if (post == item.end() || !post->is_object()) continue;
    FeedPost p;
    p.uri = base::GetString(*post, "uri");
    if (p.uri.empty()) continue;
    if (auto author = post->find("author"); author != post->end() && author->is_object()) {
      p.author_did = base::GetString(*author, "did");
    }
    if (auto record = post->find("record"); record != post->end() && record->is_object()) {
      p.text = base::GetString(*record, "text");
      p.created_at = base::GetString(*record, "createdAt");
    }
    if (p.created_at.empty()) p.created_at = base::GetString(*post, "indexedAt");
    p.counts.likes = Int(*post, "likeCount");
    p.counts.reposts = Int(*post, "repostCount");
    p.counts.replies = Int(*post, "replyCount");
    p.counts.quotes = Int(*post, "quoteCount");
    auto reason = item.find("reason");
    p.repost = reason != item.end() && reason->is_object() &&
               base::GetString(*reason, "$type").find("reasonRepost") != std::string::npos;
    page.posts.push_back(std::move(p));
  }
  return page;
}

std::string RecordKeyOf(std::string_view at_uri) {
  size_t slash = at_uri.rfind('/');
  return std::string(slash == std::string_view::npos ? at_uri : at_uri.substr(slash + 1));
}

base::Result<ProfileCounts> ParseProfile(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "profile"));
  ProfileCounts p;
  p.did = base::GetString(j, "did");
  p.handle = base::GetString(j, "handle");
  if (p.did.empty()) return base::InvalidArgument("Bluesky sent a profile without a did");
  p.display_name = base::GetString(j, "displayName");
  p.followers = Int(j, "followersCount");
  p.follows = Int(j, "followsCount");
  p.posts = Int(j, "postsCount");
  return p;
}

std::optional<base::Time> JwtExpiry(std::string_view jwt) {
  const size_t a = jwt.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  const size_t b = jwt.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto payload = base::Base64UrlDecode(jwt.substr(a + 1, b - a - 1));
  if (!payload.ok()) return std::nullopt;
  auto claims = base::ParseJson(*payload);
  if (!claims.ok() || !claims->is_object()) return std::nullopt;
  auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number()) return std::nullopt;
  return base::FromUnixMicros(static_cast<int64_t>(exp->get<double>()) * 1'000'000);
}

bool IsValidTid(std::string_view rkey) {
  if (rkey.size() != 13) return false;
  if (kS32.substr(0, 16).find(rkey[0]) == std::string_view::npos) return false;
  return std::all_of(rkey.begin(), rkey.end(),
                     [](char c) { return kS32.find(c) != std::string_view::npos; });
}

std::string RecordKeyFor(std::string_view key, size_t index) {
  const std::string digest = base::Sha256(std::string(key) + "\n" + std::to_string(index));
  uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | static_cast<unsigned char>(digest[i]);
  constexpr uint64_t kBase = 1'672'531'200'000'000;  // 2023-01-01T00:00:00Z in microseconds
  const uint64_t micros = kBase + ((h >> 10) & ((uint64_t{1} << 46) - 1));
  const uint64_t clock_id = h & 0x3FF;
  return S32Encode(micros, 11) + S32Encode(clock_id, 2);
}

std::string RkeyOf(std::string_view at_uri) {
  if (at_uri.rfind("at://", 0) != 0) return "";
  const size_t slash = at_uri.rfind('/');
  if (slash == std::string_view::npos || slash + 1 >= at_uri.size() || slash < 5) return "";
  return std::string(at_uri.substr(slash + 1));
}

std::string PublicPostUrl(std::string_view handle_or_did, std::string_view rkey) {
  return "https://bsky.app/profile/" + std::string(handle_or_did) + "/post/" + std::string(rkey);
}

std::string FormatDatetime(base::Time t) {
  const int64_t us = base::ToUnixMicros(t);
  int64_t secs = us / 1'000'000;
  int64_t rem = us % 1'000'000;
  if (rem < 0) {
    rem += 1'000'000;
    --secs;
  }
  const time_t tt = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(rem / 1000));
  return buf;
}

Json FacetsJson(std::string_view text, const ResolvedHandles& resolved) {
  std::vector<text::Facet> facets = text::DetectBlueskyFacets(text);
  std::stable_sort(facets.begin(), facets.end(), [](const text::Facet& a, const text::Facet& b) {
    return a.byte_start < b.byte_start;
  });
  Json out = Json::array();
  for (const text::Facet& f : facets) {
    Json feature;
    switch (f.kind) {
      case text::Facet::Kind::kLink:
        feature = Json{{"$type", "app.bsky.richtext.facet#link"}, {"uri", f.value}};
        break;
      case text::Facet::Kind::kTag:
        feature = Json{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", f.value}};
        break;
      case text::Facet::Kind::kMention: {
        std::string lower = f.value;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto it = resolved.find(lower);
        if (it == resolved.end()) continue;  // unresolvable: plain text
        feature = Json{{"$type", "app.bsky.richtext.facet#mention"}, {"did", it->second}};
        break;
      }
    }
    out.push_back(Json{{"$type", "app.bsky.richtext.facet"},
                       {"index", {{"byteStart", f.byte_start}, {"byteEnd", f.byte_end}}},
                       {"features", Json::array({feature})}});
  }
  return out;
}

Json PostRecord(std::string_view text, const Json& facets, const std::vector<ImageRef>& images,
                const std::optional<std::pair<StrongRef, StrongRef>>& reply,
                std::string_view created_at) {
  Json record{{"$type", std::string(kPostCollection)},
              {"text", std::string(text)},
              {"createdAt", std::string(created_at)}};
  if (facets.is_array() && !facets.empty()) record["facets"] = facets;
  if (!images.empty()) {
    Json list = Json::array();
    for (const ImageRef& image : images)
      list.push_back(Json{{"image", image.blob}, {"alt", image.alt}});
    record["embed"] = Json{{"$type", "app.bsky.embed.images"}, {"images", list}};
  }
  if (reply) {
    record["reply"] = Json{{"root", {{"uri", reply->first.uri}, {"cid", reply->first.cid}}},
                           {"parent", {{"uri", reply->second.uri}, {"cid", reply->second.cid}}}};
  }
  return record;
}

Json CreateRecordBody(std::string_view did, std::string_view rkey, const Json& record) {
  return Json{{"repo", std::string(did)},
              {"collection", std::string(kPostCollection)},
              {"rkey", std::string(rkey)},
              {"record", record}};
}

const HttpErrorMapper& Errors() {
  static const HttpErrorMapper* mapper = [] {
    HttpErrorMapper::Options o;
    o.network = "Bluesky";
    o.read_body = [](const HttpResponse& r) {
      const XrpcError x = ParseXrpcError(r.body);
      ErrorBody out;
      out.reason = x.error;
      if (!x.message.empty()) out.reason += (out.reason.empty() ? "" : ": ") + x.message;
      if (r.status == 401 || x.error == "ExpiredToken" || x.error == "InvalidToken" ||
          x.error == "AuthMissing" || x.error == "AuthenticationRequired") {
        out.code = base::ErrorCode::kUnauthenticated;
      } else if (r.status != 403 && x.error == "RecordNotFound") {
        out.code = base::ErrorCode::kNotFound;
      }
      return out;
    };
    o.fallback_reasons = {
        {base::ErrorCode::kUnauthenticated, "the session is no longer valid"}};
    return new HttpErrorMapper(std::move(o));
  }();
  return *mapper;
}

base::Error ErrorFromResponse(const HttpResponse& response, std::string_view action,
                              base::Time now) {
  return Errors().FromResponse(response, action, now);
}

}  // namespace herald::platforms::bluesky
