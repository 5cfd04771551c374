// Prefixed, sortable identifiers: "post_01JD3Q8Z6X...", "acc_...", "key_...".
//
// The part after the prefix is 26 Crockford base32 characters (ULID layout): 48 bits of
// milliseconds since the epoch, then 80 random bits. Ids made later sort after ids made
// earlier, also within one millisecond in one process. Thread-safe.
#ifndef HERALD_BASE_IDS_H_
#define HERALD_BASE_IDS_H_

#include <string>
#include <string_view>

#include "base/clock.h"

namespace herald::base {

// Well-known prefixes (without the underscore).
inline constexpr std::string_view kOrgPrefix = "org";
inline constexpr std::string_view kKeyPrefix = "key";
inline constexpr std::string_view kAccountPrefix = "acc";
inline constexpr std::string_view kPostPrefix = "post";
inline constexpr std::string_view kTargetPrefix = "tgt";
inline constexpr std::string_view kJobPrefix = "job";
inline constexpr std::string_view kMediaPrefix = "med";
inline constexpr std::string_view kGrantPrefix = "grant";
inline constexpr std::string_view kWebhookPrefix = "whk";
inline constexpr std::string_view kDeliveryPrefix = "dlv";
inline constexpr std::string_view kEventPrefix = "msg";  // a webhook event (Standard Webhooks id)

// A new id "<prefix>_<26 chars>" stamped with `now`.
std::string NewId(std::string_view prefix, Time now);
// The same, stamped with the system clock.
std::string NewId(std::string_view prefix);

// True if `id` is "<prefix>_" followed by 26 Crockford base32 characters.
bool IsValidId(std::string_view id, std::string_view prefix);

}  // namespace herald::base

#endif  // HERALD_BASE_IDS_H_
