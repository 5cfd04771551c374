// Instagram wire mapping (pure): caption rules (2,200 characters, 30 hashtags, 20 mentions),
// the container fields of a post by kind (image, reel, story, carousel and its items), the
// permissions an account's settings must show, and the kind a post's platform_options ask for.
// Unit-tested in tests/platforms/facebook/facebook_wire_test.cpp. Pure functions, thread-safe.
#ifndef HERALD_PLATFORMS_INSTAGRAM_INSTAGRAM_WIRE_H_
#define HERALD_PLATFORMS_INSTAGRAM_INSTAGRAM_WIRE_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "platforms/meta/container_publisher.h"
#include "platforms/platform.h"

namespace herald::platforms::instagram {

using base::Json;
using base::Result;

inline constexpr int kMaxCaption = 2200;
inline constexpr int kMaxHashtags = 30;
inline constexpr int kMaxMentions = 20;
inline constexpr int kMinCarousel = 2;
inline constexpr int kMaxCarousel = 10;

// What a post becomes on Instagram.
enum class PostKind { kImage, kReel, kStory, kCarousel };

// The kind for platform_options.instagram.type ("feed" (default), "carousel", "reel",
// "story") and the post's media: feed with one image is an image, with one video a reel (as
// Instagram publishes single videos since 2023), with several a carousel.
PostKind KindOf(std::string_view type, const std::vector<MediaItem>& media);

// "#tag" words (a '#' at the start or after whitespace, followed by a character that is not
// whitespace or '#') and "@name" mentions, as Instagram counts them.
int CountHashtags(std::string_view text);
int CountMentions(std::string_view text);

// The violations of the caption rules, naming the count ("the caption has 31 hashtags, 1 over
// Instagram's limit of 30"); empty when it keeps them.
std::vector<Violation> CaptionViolations(std::string_view text);

// The container fields of a post of `kind` with `caption` and `media` (each with its public
// `url`): image_url / media_type=REELS video_url share_to_feed / media_type=STORIES image_url
// or video_url (no caption) / a CAROUSEL parent with caption whose children are
// is_carousel_item=true items (videos as media_type=VIDEO). Alt text goes with images.
// Errors: kFailedPrecondition when an item has no URL (HERALD_PUBLIC_URL is not set).
Result<meta::ContainerPost> BuildPost(PostKind kind, const std::string& caption,
                                      const std::vector<MediaItem>& media);

// What an Instagram account's settings say it may not do: "" when it may publish, else the
// reason naming the missing permission (instagram_basic, instagram_content_publish). Settings
// without "permissions" are not checked.
std::string MissingPublishRight(const Json& settings, std::string_view username);

}  // namespace herald::platforms::instagram

#endif  // HERALD_PLATFORMS_INSTAGRAM_INSTAGRAM_WIRE_H_
