// Facebook Pages wire mapping (pure): the Graph answers of Facebook Login (permissions, the
// Page list with Page tokens and linked Instagram accounts), the Page post calls (feed, photos,
// videos, reels), the Page's post list, video status and insights, and the account settings
// herald stores for a Page. Graph error objects are read by platforms/meta/graph_errors.h.
// Unit-tested on recorded JSON in tests/platforms/data/facebook/. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_FACEBOOK_FACEBOOK_WIRE_H_
#define HERALD_PLATFORMS_FACEBOOK_FACEBOOK_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::platforms::facebook {

using base::Json;
using base::Result;

// A Page post's message (commonly cited limit; reference 3.4).
inline constexpr int kMaxMessage = 63206;

// The permissions herald asks Facebook Login for (Pages and the Instagram accounts linked to
// them, reference 3.1 and 4.1).
const std::vector<std::string>& LoginScopes();
// What publishing to a Page needs: the permission and the Page task.
inline constexpr std::string_view kPagePublishPermission = "pages_manage_posts";
inline constexpr std::string_view kCreateContentTask = "CREATE_CONTENT";

// GET /me/permissions -> the granted permissions, in order. Errors: kUnavailable for an
// unreadable answer.
Result<std::vector<std::string>> ParseGrantedPermissions(std::string_view body);

// One Page of GET /me/accounts?fields=id,name,access_token,tasks,instagram_business_account.
struct PageEntry {
  std::string id;
  std::string name;
  std::string access_token;
  std::vector<std::string> tasks;
  std::string instagram_id;  // "" when no Instagram professional account is linked
  std::string instagram_username;
};
// Errors: kUnavailable for an unreadable answer or a Page without id or token.
Result<std::vector<PageEntry>> ParsePages(std::string_view body);

// GET /me -> {"id","name"}. Errors: kUnavailable without an id.
struct User {
  std::string id;
  std::string name;
};
Result<User> ParseUser(std::string_view body);

// The settings stored for a Page account (non-secret): {"page_id","page_name","tasks",
// "permissions","instagram_id"?,"user_id"}.
Json PageSettings(const PageEntry& page, const std::vector<std::string>& permissions,
                  const std::string& user_id);

// What a Page account's settings say it may not do, for publishing: "" when it may publish,
// else the reason naming the missing permission or task. Settings without "permissions" (an
// account connected before they were recorded) are not checked.
std::string MissingPublishRight(const Json& settings, std::string_view page_name);

// The post id of a create answer: "post_id" (a published photo) or "id" (feed, video).
// Errors: kUnavailable when there is none.
Result<std::string> ParsePostId(std::string_view body);

// POST /{page}/video_reels upload_phase=start -> {"video_id","upload_url"}.
struct ReelUpload {
  std::string video_id;
  std::string upload_url;
};
Result<ReelUpload> ParseReelStart(std::string_view body);

// GET /{video}?fields=status -> status.video_status ("ready", "processing", "error",
// "upload_pending", ...) and the error message when there is one.
struct VideoStatus {
  std::string video_status;
  std::string error;
};
Result<VideoStatus> ParseVideoStatus(std::string_view body);

// The attached_media value of a multi-photo post: [{"media_fbid":"<id>"},...].
std::string AttachedMedia(const std::vector<std::string>& photo_ids);

// The first http(s) URL of `text` ("" when none): a post with one is a link post.
std::string FirstLink(std::string_view text);

// One post of GET /{page}/published_posts?fields=id,message,created_time,permalink_url.
struct ListedPost {
  std::string id;
  std::string message;
  std::string permalink;
  std::optional<base::Time> created_at;
};
Result<std::vector<ListedPost>> ParsePostList(std::string_view body);

// GET /{post}?fields=permalink_url -> the URL, or "" when the answer has none.
std::string ParsePermalink(std::string_view body);

// An insights answer {"data":[{"name","values":[{"value"}]}]} as name -> number (a value that
// is an object, such as reactions by type, is summed). Errors: kUnavailable.
Result<Json> ParseInsights(std::string_view body);

// The public link of a post id "<page>_<post>" (https://www.facebook.com/<page>/posts/<post>),
// or of a reel (https://www.facebook.com/reel/<id>) when `reel`.
std::string PostUrl(std::string_view id, bool reel);

}  // namespace herald::platforms::facebook

#endif  // HERALD_PLATFORMS_FACEBOOK_FACEBOOK_WIRE_H_
