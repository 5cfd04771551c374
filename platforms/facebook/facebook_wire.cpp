#include "platforms/facebook/facebook_wire.h"

#include <algorithm>
#include <regex>

#include "platforms/meta/container_wire.h"

namespace herald::platforms::facebook {
namespace {

Result<Json> Parse(std::string_view body, std::string_view what) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("Facebook sent an unreadable answer to " + std::string(what));
  }
  return std::move(*j);
}

Result<Json> DataArray(std::string_view body, std::string_view what) {
  HERALD_ASSIGN_OR_RETURN(Json j, Parse(body, what));
  if (!j.contains("data") || !j["data"].is_array()) {
    return base::Unavailable("Facebook's answer to " + std::string(what) + " has no data list");
  }
  return j["data"];
}

bool Contains(const Json& list, std::string_view value) {
  if (!list.is_array()) return false;
  return std::any_of(list.begin(), list.end(),
                     [&](const Json& v) { return v.is_string() && v.get<std::string>() == value; });
}

int64_t Number(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (v.is_object()) {
    int64_t sum = 0;
    for (const auto& [k, x] : v.items()) sum += Number(x);
    return sum;
  }
  return 0;
}

}  // namespace

const std::vector<std::string>& LoginScopes() {
  static const std::vector<std::string> kScopes = {
      "pages_show_list",  "pages_manage_posts",        "pages_read_engagement",
      "read_insights",    "business_management",       "instagram_basic",
      "instagram_content_publish", "instagram_manage_insights"};
  return kScopes;
}

Result<std::vector<std::string>> ParseGrantedPermissions(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json data, DataArray(body, "the permission list"));
  std::vector<std::string> out;
  for (const Json& p : data) {
    if (p.is_object() && base::GetString(p, "status") == "granted") {
      out.push_back(base::GetString(p, "permission"));
    }
  }
  return out;
}

Result<std::vector<PageEntry>> ParsePages(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json data, DataArray(body, "the Page list"));
  std::vector<PageEntry> out;
  for (const Json& p : data) {
    if (!p.is_object()) continue;
    PageEntry e;
    e.id = base::GetString(p, "id");
    e.name = base::GetString(p, "name");
    e.access_token = base::GetString(p, "access_token");
    if (e.id.empty() || e.access_token.empty()) {
      return base::Unavailable("Facebook listed a Page without its id or access token");
    }
    if (p.contains("tasks") && p["tasks"].is_array()) {
      for (const Json& t : p["tasks"]) {
        if (t.is_string()) e.tasks.push_back(t.get<std::string>());
      }
    }
    if (p.contains("instagram_business_account") && p["instagram_business_account"].is_object()) {
      e.instagram_id = base::GetString(p["instagram_business_account"], "id");
      e.instagram_username = base::GetString(p["instagram_business_account"], "username");
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<User> ParseUser(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, Parse(body, "the user lookup"));
  User u{base::GetString(j, "id"), base::GetString(j, "name")};
  if (u.id.empty()) return base::Unavailable("Facebook did not say who signed in (no user id)");
  return u;
}

Json PageSettings(const PageEntry& page, const std::vector<std::string>& permissions,
                  const std::string& user_id) {
  Json out{{"page_id", page.id},
           {"page_name", page.name},
           {"tasks", page.tasks},
           {"permissions", permissions},
           {"user_id", user_id}};
  if (!page.instagram_id.empty()) {
    out["instagram_id"] = page.instagram_id;
    out["instagram_username"] = page.instagram_username;
  }
  return out;
}

std::string MissingPublishRight(const Json& settings, std::string_view page_name) {
  if (!settings.is_object() || !settings.contains("permissions")) return "";
  const std::string page = page_name.empty() ? "the Page" : "the Page " + std::string(page_name);
  if (!Contains(settings["permissions"], kPagePublishPermission)) {
    return "Facebook did not grant herald the permission " + std::string(kPagePublishPermission) +
           " needed to publish to " + page +
           "; reconnect Facebook with connect_account and approve it";
  }
  if (settings.contains("tasks") && settings["tasks"].is_array() &&
      !Contains(settings["tasks"], kCreateContentTask)) {
    return "the Facebook user who connected " + page + " does not have the " +
           std::string(kCreateContentTask) +
           " task on it (their Page role does not allow publishing); reconnect Facebook as a "
           "user who may create content on the Page";
  }
  return "";
}

Result<std::string> ParsePostId(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, Parse(body, "the post"));
  std::string id = base::GetString(j, "post_id");
  if (id.empty()) id = base::GetString(j, "id");
  if (id.empty()) return base::Unavailable("Facebook accepted the post without its id");
  return id;
}

Result<ReelUpload> ParseReelStart(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, Parse(body, "the reel upload"));
  ReelUpload r{base::GetString(j, "video_id"), base::GetString(j, "upload_url")};
  if (r.video_id.empty() || r.upload_url.empty()) {
    return base::Unavailable("Facebook started the reel upload without a video id or upload URL");
  }
  return r;
}

Result<VideoStatus> ParseVideoStatus(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json j, Parse(body, "the video status"));
  VideoStatus s;
  if (j.contains("status") && j["status"].is_object()) {
    const Json& st = j["status"];
    s.video_status = base::GetString(st, "video_status");
    for (const char* phase : {"uploading_phase", "processing_phase", "publishing_phase"}) {
      if (st.contains(phase) && st[phase].is_object() && st[phase].contains("errors") &&
          st[phase]["errors"].is_array() && !st[phase]["errors"].empty()) {
        s.error = base::GetString(st[phase]["errors"][0], "message");
      }
    }
  }
  if (s.video_status.empty()) return base::Unavailable("Facebook sent no video status");
  return s;
}

std::string AttachedMedia(const std::vector<std::string>& photo_ids) {
  Json list = Json::array();
  for (const std::string& id : photo_ids) list.push_back(Json{{"media_fbid", id}});
  return base::DumpJson(list);
}

std::string FirstLink(std::string_view text) {
  static const std::regex kUrl(R"(https?://[^\s<>"]+)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(text.begin(), text.end(), m, kUrl)) return "";
  std::string url = m.str(0);
  while (!url.empty() && std::string_view(".,;:!?)").find(url.back()) != std::string_view::npos) {
    url.pop_back();
  }
  return url;
}

Result<std::vector<ListedPost>> ParsePostList(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json data, DataArray(body, "the Page's posts"));
  std::vector<ListedPost> out;
  for (const Json& p : data) {
    if (!p.is_object()) continue;
    ListedPost l;
    l.id = base::GetString(p, "id");
    l.message = base::GetString(p, "message");
    l.permalink = base::GetString(p, "permalink_url");
    l.created_at = meta::ParseGraphTime(base::GetString(p, "created_time"));
    if (!l.id.empty()) out.push_back(std::move(l));
  }
  return out;
}

std::string ParsePermalink(std::string_view body) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) return "";
  return base::GetString(*j, "permalink_url");
}

Result<Json> ParseInsights(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(Json data, DataArray(body, "the insights"));
  Json out = Json::object();
  for (const Json& m : data) {
    if (!m.is_object()) continue;
    const std::string name = base::GetString(m, "name");
    int64_t value = 0;
    if (m.contains("values") && m["values"].is_array() && !m["values"].empty() &&
        m["values"].back().is_object() && m["values"].back().contains("value")) {
      value = Number(m["values"].back()["value"]);
    } else if (m.contains("total_value") && m["total_value"].is_object()) {
      value = Number(m["total_value"].value("value", Json(0)));
    }
    if (!name.empty()) out[name] = value;
  }
  return out;
}

std::string PostUrl(std::string_view id, bool reel) {
  if (reel) return "https://www.facebook.com/reel/" + std::string(id);
  const size_t sep = id.find('_');
  if (sep == std::string_view::npos) return "https://www.facebook.com/" + std::string(id);
  return "https://www.facebook.com/" + std::string(id.substr(0, sep)) + "/posts/" +
         std::string(id.substr(sep + 1));
}

}  // namespace herald::platforms::facebook
