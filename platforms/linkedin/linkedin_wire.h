// LinkedIn wire mapping (pure): little-text escaping, the Posts API body, and the answers of
// userinfo, organization ACLs and lookups, the Images and Videos APIs, the author's post list,
// the analytics endpoints and LinkedIn's error bodies. Unit-tested on recorded JSON in
// tests/platforms/data/linkedin/. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_LINKEDIN_LINKEDIN_WIRE_H_
#define HERALD_PLATFORMS_LINKEDIN_LINKEDIN_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "platforms/kit/http_error_mapper.h"

namespace herald::platforms::linkedin {

using base::Json;
using base::Result;

// The LinkedIn-Version every /rest/ call sends (versions live about a year).
inline constexpr std::string_view kApiVersion = "202609";
inline constexpr int kMaxCommentary = 3000;

// `text` as LinkedIn's "little text" commentary: each reserved character
// (| { } @ [ ] ( ) < > # \ * _ ~) is preceded by a backslash, so it appears as written.
std::string EscapeLittleText(std::string_view text);

// The public link of a post: https://www.linkedin.com/feed/update/<urn>/.
std::string PostUrl(std::string_view urn);

// One media item of a post: an image or video URN and its alt text (images only).
struct PostMedia {
  std::string urn;
  std::string alt_text;
};

// The POST /rest/posts body: PUBLIC, main feed, published; `commentary` already escaped. One
// item is content.media, several images content.multiImage.
Json PostBody(std::string_view author, std::string_view commentary,
              const std::vector<PostMedia>& media);

// The member behind a token (GET /v2/userinfo). Errors: kUnavailable without a `sub`.
struct Member {
  std::string sub;  // person id: the author is urn:li:person:<sub>
  std::string name;
};
Result<Member> ParseUserInfo(std::string_view body);

// Organization ids (digits) of the ADMINISTRATOR + APPROVED elements of an organizationAcls
// answer, in order, without repeats. Errors: kUnavailable for a malformed answer.
Result<std::vector<std::string>> ParseAdministeredOrganizations(std::string_view body);

struct Organization {
  std::string id;
  std::string name;          // localizedName
  std::string vanity_name;   // the page's address part: linkedin.com/company/<vanity_name>
};
// GET /rest/organizations/{id}. Errors: kUnavailable without an id.
Result<Organization> ParseOrganization(std::string_view body);

// POST /rest/images?action=initializeUpload -> value.uploadUrl, value.image.
struct ImageUpload {
  std::string upload_url;
  std::string image;  // urn:li:image:...
};
Result<ImageUpload> ParseImageUpload(std::string_view body);

// POST /rest/videos?action=initializeUpload -> value.video, value.uploadToken and the byte
// ranges to PUT. Errors: kUnavailable when the ranges do not cover 0..size-1 in order.
struct VideoPart {
  std::string upload_url;
  int64_t first_byte = 0;
  int64_t last_byte = 0;
};
struct VideoUpload {
  std::string video;  // urn:li:video:...
  std::string upload_token;
  std::vector<VideoPart> parts;
};
Result<VideoUpload> ParseVideoUpload(std::string_view body, int64_t size);

// The finalizeUpload body.
Json FinalizeVideoBody(std::string_view video, std::string_view upload_token,
                       const std::vector<std::string>& etags);

// GET /rest/images/{urn} or /rest/videos/{urn}: status (PROCESSING, AVAILABLE,
// PROCESSING_FAILED, WAITING_UPLOAD) and processingFailureReason.
struct MediaStatus {
  std::string status;
  std::string failure_reason;
};
Result<MediaStatus> ParseMediaStatus(std::string_view body);

// One post of GET /rest/posts?q=author (createdAt in Unix milliseconds) and the image or video
// URNs of its content (content.media, content.multiImage), in order.
struct ListedPost {
  std::string urn;
  std::string commentary;
  int64_t created_at_ms = 0;
  std::vector<std::string> media;
};
Result<std::vector<ListedPost>> ParsePostList(std::string_view body);

// A 422 whose inputErrors say DUPLICATE_POST: the URN of the existing post when the message
// names it ("" when it does not). nullopt for any other answer.
std::optional<std::string> DuplicateOf(const HttpResponse& response);

// LinkedIn's error body {"status","serviceErrorCode"?,"code"?,"message",errorDetails?}: the
// reason is the message (with the code, and the first input error's description when there is
// one). A 429 has no headers to go by: a DAY limit waits until the next midnight UTC (as of
// `now`), any other throttle a minute.
ErrorBody ReadError(const HttpResponse& response, base::Time now);

// The count of a memberCreatorPostAnalytics answer (sum of its elements).
Result<int64_t> ParseMemberMetric(std::string_view body);
// memberFollowersCount?q=me -> elements[0].memberFollowersCount.
Result<int64_t> ParseMemberFollowers(std::string_view body);
// organizationalEntityShareStatistics -> {"views","reach","likes","replies","reposts",
// "clicks","engagement"} of the first element (zeros when there is none).
Result<Json> ParseShareStatistics(std::string_view body);
// networkSizes -> firstDegreeSize.
Result<int64_t> ParseNetworkSize(std::string_view body);

// Scopes of a token answer ("a,b" or "a b").
std::vector<std::string> SplitScopes(std::string_view scope);

}  // namespace herald::platforms::linkedin

#endif  // HERALD_PLATFORMS_LINKEDIN_LINKEDIN_WIRE_H_
