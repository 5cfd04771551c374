#include "platforms/linkedin/linkedin_wire.h"

#include <regex>

namespace herald::platforms::linkedin {
namespace {

Result<Json> ParseObject(std::string_view body, std::string_view what) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("LinkedIn answered " + std::string(what) + " with something other "
                             "than a JSON object");
  }
  return std::move(*j);
}

std::string IdString(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return "";
}

int64_t IntOf(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number()) return static_cast<int64_t>(it->get<double>());
  return 0;
}

const Json* FirstInputError(const Json& body) {
  auto details = body.find("errorDetails");
  if (details == body.end() || !details->is_object()) return nullptr;
  auto inputs = details->find("inputErrors");
  if (inputs == details->end() || !inputs->is_array() || inputs->empty()) return nullptr;
  return &(*inputs)[0];
}

}  // namespace

std::string EscapeLittleText(std::string_view text) {
  static constexpr std::string_view kReserved = "|{}@[]()<>#\\*_~";
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (kReserved.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string PostUrl(std::string_view urn) {
  return "https://www.linkedin.com/feed/update/" + std::string(urn) + "/";
}

Json PostBody(std::string_view author, std::string_view commentary,
              const std::vector<PostMedia>& media) {
  Json body{{"author", author},
            {"commentary", commentary},
            {"visibility", "PUBLIC"},
            {"distribution",
             {{"feedDistribution", "MAIN_FEED"},
              {"targetEntities", Json::array()},
              {"thirdPartyDistributionChannels", Json::array()}}},
            {"lifecycleState", "PUBLISHED"},
            {"isReshareDisabledByAuthor", false}};
  auto item = [](const PostMedia& m) {
    Json j{{"id", m.urn}};
    if (!m.alt_text.empty()) j["altText"] = m.alt_text;
    return j;
  };
  if (media.size() == 1) {
    body["content"] = Json{{"media", item(media[0])}};
  } else if (media.size() > 1) {
    Json images = Json::array();
    for (const PostMedia& m : media) images.push_back(item(m));
    body["content"] = Json{{"multiImage", {{"images", images}}}};
  }
  return body;
}

Result<Member> ParseUserInfo(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "userinfo"));
  Member m;
  m.sub = base::GetString(j, "sub");
  if (m.sub.empty()) return base::Unavailable("LinkedIn answered userinfo without a member id");
  m.name = base::GetString(j, "name");
  if (m.name.empty()) {
    m.name = base::GetString(j, "given_name") + " " + base::GetString(j, "family_name");
    if (m.name == " ") m.name = m.sub;
  }
  return m;
}

Result<std::vector<std::string>> ParseAdministeredOrganizations(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the organization roles"));
  auto elements = j.find("elements");
  if (elements == j.end() || !elements->is_array()) {
    return base::Unavailable("LinkedIn answered the organization roles without elements");
  }
  static constexpr std::string_view kPrefix = "urn:li:organization:";
  std::vector<std::string> out;
  for (const Json& e : *elements) {
    if (base::GetString(e, "role") != "ADMINISTRATOR" ||
        base::GetString(e, "state") != "APPROVED") {
      continue;
    }
    std::string org = base::GetString(e, "organization");
    if (org.empty()) org = base::GetString(e, "organizationTarget");
    if (org.rfind(kPrefix, 0) != 0) continue;
    org = org.substr(kPrefix.size());
    if (std::find(out.begin(), out.end(), org) == out.end()) out.push_back(org);
  }
  return out;
}

Result<Organization> ParseOrganization(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the organization"));
  Organization o;
  o.id = IdString(j.value("id", Json()));
  if (o.id.empty()) return base::Unavailable("LinkedIn answered an organization without an id");
  o.name = base::GetString(j, "localizedName");
  o.vanity_name = base::GetString(j, "vanityName");
  if (o.name.empty()) o.name = o.vanity_name.empty() ? o.id : o.vanity_name;
  return o;
}

Result<ImageUpload> ParseImageUpload(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the image upload"));
  const Json value = j.value("value", Json::object());
  ImageUpload out{base::GetString(value, "uploadUrl"), base::GetString(value, "image")};
  if (out.upload_url.empty() || out.image.empty()) {
    return base::Unavailable("LinkedIn answered the image upload without uploadUrl or image");
  }
  return out;
}

Result<VideoUpload> ParseVideoUpload(std::string_view body, int64_t size) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the video upload"));
  const Json value = j.value("value", Json::object());
  VideoUpload out;
  out.video = base::GetString(value, "video");
  out.upload_token = base::GetString(value, "uploadToken");
  const Json instructions = value.value("uploadInstructions", Json::array());
  int64_t next = 0;
  if (instructions.is_array()) {
    for (const Json& i : instructions) {
      VideoPart p{base::GetString(i, "uploadUrl"), IntOf(i, "firstByte"), IntOf(i, "lastByte")};
      if (p.upload_url.empty() || p.first_byte != next || p.last_byte < p.first_byte) {
        return base::Unavailable("LinkedIn's video upload instructions do not cover the file "
                                 "in order");
      }
      next = p.last_byte + 1;
      out.parts.push_back(std::move(p));
    }
  }
  if (out.video.empty() || next != size) {
    return base::Unavailable("LinkedIn answered the video upload without a video or with "
                             "instructions for " + std::to_string(next) + " of " +
                             std::to_string(size) + " bytes");
  }
  return out;
}

Json FinalizeVideoBody(std::string_view video, std::string_view upload_token,
                       const std::vector<std::string>& etags) {
  return Json{{"finalizeUploadRequest",
               {{"video", video}, {"uploadToken", upload_token}, {"uploadedPartIds", etags}}}};
}

Result<MediaStatus> ParseMediaStatus(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the media status"));
  MediaStatus s{base::GetString(j, "status"), base::GetString(j, "processingFailureReason")};
  if (s.status.empty()) return base::Unavailable("LinkedIn answered a media status without one");
  return s;
}

Result<std::vector<ListedPost>> ParsePostList(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the post list"));
  auto elements = j.find("elements");
  if (elements == j.end() || !elements->is_array()) {
    return base::Unavailable("LinkedIn answered the post list without elements");
  }
  std::vector<ListedPost> out;
  for (const Json& e : *elements) {
    ListedPost p{base::GetString(e, "id"), base::GetString(e, "commentary"),
                 IntOf(e, "createdAt"), {}};
    if (p.created_at_ms == 0) p.created_at_ms = IntOf(e, "publishedAt");
    const Json content = e.value("content", Json::object());
    if (content.is_object() && content.contains("media")) {
      p.media.push_back(base::GetString(content["media"], "id"));
    } else if (content.is_object() && content.contains("multiImage")) {
      for (const Json& img : content["multiImage"].value("images", Json::array())) {
        p.media.push_back(base::GetString(img, "id"));
      }
    }
    if (!p.urn.empty()) out.push_back(std::move(p));
  }
  return out;
}

std::optional<std::string> DuplicateOf(const HttpResponse& response) {
  if (response.status != 422) return std::nullopt;
  auto j = base::ParseJson(response.body);
  if (!j.ok() || !j->is_object()) return std::nullopt;
  const Json* input = FirstInputError(*j);
  const bool duplicate = (input != nullptr && base::GetString(*input, "code") == "DUPLICATE_POST") ||
                         base::GetString(*j, "code") == "DUPLICATE_POST";
  if (!duplicate) return std::nullopt;
  static const std::regex kUrn(R"(urn:li:(share|ugcPost):[0-9]+)");
  std::smatch m;
  const std::string message = base::GetString(*j, "message");
  if (std::regex_search(message, m, kUrn)) return m.str();
  return std::string();
}

ErrorBody ReadError(const HttpResponse& response, base::Time now) {
  ErrorBody out;
  auto j = base::ParseJson(response.body);
  if (j.ok() && j->is_object()) {
    out.reason = base::GetString(*j, "message");
    const std::string code = base::GetString(*j, "code");
    if (!code.empty() && out.reason.find(code) == std::string::npos) {
      out.reason = out.reason.empty() ? code : out.reason + " (" + code + ")";
    }
    if (const Json* input = FirstInputError(*j)) {
      const std::string description = base::GetString(*input, "description");
      if (!description.empty() && out.reason.find(description) == std::string::npos) {
        out.reason += (out.reason.empty() ? "" : ": ") + description;
      }
    }
  }
  if (response.status == 429) {
    const bool daily = out.reason.find("DAY limit") != std::string::npos;
    const int64_t seconds = base::ToUnixMicros(now) / 1'000'000;
    out.retry_after = daily ? std::chrono::seconds(86'400 - seconds % 86'400)
                            : std::chrono::seconds(60);
  }
  return out;
}

Result<int64_t> ParseMemberMetric(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the post statistics"));
  int64_t total = 0;
  for (const Json& e : j.value("elements", Json::array())) total += IntOf(e, "count");
  return total;
}

Result<int64_t> ParseMemberFollowers(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the follower count"));
  const Json elements = j.value("elements", Json::array());
  if (!elements.is_array() || elements.empty()) {
    return base::Unavailable("LinkedIn answered the follower count without elements");
  }
  return IntOf(elements[0], "memberFollowersCount");
}

Result<Json> ParseShareStatistics(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the share statistics"));
  const Json elements = j.value("elements", Json::array());
  Json s = elements.is_array() && !elements.empty()
               ? elements[0].value("totalShareStatistics", Json::object())
               : Json::object();
  Json out{{"views", IntOf(s, "impressionCount")}, {"reach", IntOf(s, "uniqueImpressionsCount")},
           {"likes", IntOf(s, "likeCount")},       {"replies", IntOf(s, "commentCount")},
           {"reposts", IntOf(s, "shareCount")},    {"clicks", IntOf(s, "clickCount")}};
  out["engagement"] = s.is_object() && s.contains("engagement") && s["engagement"].is_number()
                          ? s["engagement"].get<double>()
                          : 0.0;
  return out;
}

Result<int64_t> ParseNetworkSize(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, ParseObject(body, "the follower count"));
  if (!j.contains("firstDegreeSize")) {
    return base::Unavailable("LinkedIn answered the follower count without firstDegreeSize");
  }
  return IntOf(j, "firstDegreeSize");
}

std::vector<std::string> SplitScopes(std::string_view scope) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : scope) {
    if (c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace herald::platforms::linkedin
