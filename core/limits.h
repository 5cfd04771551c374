// The bounds herald puts on what a caller sends, whatever the networks allow: the one source
// for the core's checks and for the tools' input schemas (schemas/tools/*.input.json state the
// same numbers; tests/tools/limits_test.cpp holds them to these). Lengths of text are counted
// in Unicode code points, as JSON Schema's maxLength counts them.
#ifndef HERALD_CORE_LIMITS_H_
#define HERALD_CORE_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace herald::core::limits {

// ---- a post ----
inline constexpr int kMaxAccountsPerPost = 50;        // targets of one post
inline constexpr int kMaxThreadParts = 25;            // replies after the main part
inline constexpr int kMaxMediaPerPart = 20;           // media ids in one part (or override)
inline constexpr std::size_t kMaxTextLength = 65'536;  // any one text, in code points
inline constexpr std::size_t kMaxIdLength = 64;        // an id argument (acc_..., med_..., post_...)
inline constexpr std::size_t kMaxTimeTextLength = 64;  // publish_at, timezone, from, to
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;  // code points

// ---- list_posts ----
inline constexpr int kMaxListLimit = 100;  // posts per page
inline constexpr int kDefaultListLimit = 20;

// ---- media ----
inline constexpr std::int64_t kMaxMediaBytes = 8 * 1024 * 1024;
// The longest base64 text accepted for a file of `bytes` (4 characters per 3 bytes, rounded
// up, plus room for stray padding or a trailing newline).
constexpr std::size_t Base64LengthFor(std::int64_t bytes) {
  return static_cast<std::size_t>((bytes + 2) / 3 * 4 + 8);
}
inline constexpr std::size_t kMaxMediaBase64Length = Base64LengthFor(kMaxMediaBytes);
inline constexpr std::size_t kMaxAltTextLength = 1'500;  // code points
inline constexpr std::size_t kMaxFileNameLength = 255;   // code points

// The number of Unicode code points in UTF-8 `text` (what JSON Schema's maxLength counts).
std::size_t TextLength(std::string_view text);

}  // namespace herald::core::limits

#endif  // HERALD_CORE_LIMITS_H_
