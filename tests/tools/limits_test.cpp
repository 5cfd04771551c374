// core/limits.h is the one source of herald's bounds: the input schemas the tools publish state
// the same numbers (maxLength, maxItems, maximum, default), and the core's defaults are them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/limits.h"
#include "core/media_service.h"
#include "core/post_service.h"
#include "schemas/schemas.h"

namespace herald::core::limits {
namespace {

using base::Json;

Json Schema(const std::string& tool) {
  auto text = schemas::Find("tools/" + tool + ".input.json");
  EXPECT_TRUE(text.has_value()) << tool;
  return text ? Json::parse(*text) : Json::object();
}

// The schema of property `name` of `schema`'s root object.
const Json& Property(const Json& schema, const std::string& name) {
  static const Json kNone = Json::object();
  const Json& props = schema.contains("properties") ? schema["properties"] : kNone;
  return props.contains(name) ? props[name] : kNone;
}

// Checks a list of media ids: at most kMaxMediaPerPart, each at most kMaxIdLength.
void ExpectMediaList(const Json& media, const std::string& where) {
  EXPECT_EQ(media.value("maxItems", -1), kMaxMediaPerPart) << where;
  EXPECT_EQ(media["items"].value("maxLength", -1), static_cast<int>(kMaxIdLength)) << where;
}

// The content of a post, as schedule_post, publish_post, save_draft, update_post and
// validate_post take it.
void ExpectContentLimits(const std::string& tool) {
  Json s = Schema(tool);
  const Json& accounts = Property(s, "accounts");
  EXPECT_EQ(accounts.value("maxItems", -1), kMaxAccountsPerPost) << tool;
  EXPECT_EQ(accounts["items"].value("maxLength", -1), static_cast<int>(kMaxIdLength)) << tool;
  EXPECT_EQ(Property(s, "text").value("maxLength", -1), static_cast<int>(kMaxTextLength)) << tool;
  ExpectMediaList(Property(s, "media"), tool + ".media");
  const Json& thread = Property(s, "thread");
  EXPECT_EQ(thread.value("maxItems", -1), kMaxThreadParts) << tool;
  EXPECT_EQ(Property(thread["items"], "text").value("maxLength", -1),
            static_cast<int>(kMaxTextLength))
      << tool;
  ExpectMediaList(Property(thread["items"], "media"), tool + ".thread[].media");
  const Json& overrides = Property(s, "overrides");
  EXPECT_EQ(overrides.value("maxItems", -1), kMaxAccountsPerPost) << tool;
  const Json& override_entry = overrides["items"];
  EXPECT_EQ(Property(override_entry, "account_id").value("maxLength", -1),
            static_cast<int>(kMaxIdLength))
      << tool;
  EXPECT_EQ(Property(override_entry, "text").value("maxLength", -1),
            static_cast<int>(kMaxTextLength))
      << tool;
  ExpectMediaList(Property(override_entry, "media"), tool + ".overrides[].media");
}

TEST(LimitsTest, PostContentSchemasStateTheCoreLimits) {
  for (const char* tool :
       {"schedule_post", "publish_post", "save_draft", "update_post", "validate_post"}) {
    ExpectContentLimits(tool);
  }
}

TEST(LimitsTest, TimesIdsAndIdempotencyKeys) {
  for (const char* tool : {"schedule_post", "save_draft", "update_post", "reschedule_post"}) {
    EXPECT_EQ(Property(Schema(tool), "publish_at").value("maxLength", -1),
              static_cast<int>(kMaxTimeTextLength))
        << tool;
  }
  for (const char* tool :
       {"schedule_post", "publish_post", "save_draft", "update_post", "reschedule_post"}) {
    EXPECT_EQ(Property(Schema(tool), "timezone").value("maxLength", -1),
              static_cast<int>(kMaxTimeTextLength))
        << tool;
  }
  for (const char* tool : {"schedule_post", "publish_post", "save_draft"}) {
    EXPECT_EQ(Property(Schema(tool), "idempotency_key").value("maxLength", -1),
              static_cast<int>(kMaxIdempotencyKeyLength))
        << tool;
  }
  for (const char* tool : {"update_post", "reschedule_post", "cancel_post", "retry_post",
                           "delete_post", "get_post"}) {
    EXPECT_EQ(Property(Schema(tool), "post_id").value("maxLength", -1),
              static_cast<int>(kMaxIdLength))
        << tool;
  }
  for (const char* tool : {"get_account", "disconnect_account"}) {
    EXPECT_EQ(Property(Schema(tool), "account_id").value("maxLength", -1),
              static_cast<int>(kMaxIdLength))
        << tool;
  }
}

TEST(LimitsTest, ListPostsPageSize) {
  Json s = Schema("list_posts");
  EXPECT_EQ(Property(s, "limit").value("maximum", -1), kMaxListLimit);
  EXPECT_EQ(Property(s, "limit").value("default", -1), kDefaultListLimit);
  EXPECT_EQ(Property(s, "account_id").value("maxLength", -1), static_cast<int>(kMaxIdLength));
  EXPECT_EQ(Property(s, "from").value("maxLength", -1), static_cast<int>(kMaxTimeTextLength));
  EXPECT_EQ(Property(s, "to").value("maxLength", -1), static_cast<int>(kMaxTimeTextLength));
}

TEST(LimitsTest, UploadMediaSchemaStatesTheMediaLimits) {
  Json s = Schema("upload_media");
  EXPECT_EQ(Property(s, "data_base64").value("maxLength", -1),
            static_cast<int64_t>(kMaxMediaBase64Length));
  EXPECT_EQ(Property(s, "alt_text").value("maxLength", -1), static_cast<int>(kMaxAltTextLength));
  EXPECT_EQ(Property(s, "file_name").value("maxLength", -1),
            static_cast<int>(kMaxFileNameLength));
}

TEST(LimitsTest, CoreDefaultsAreTheLimits) {
  PostServiceOptions posts;
  EXPECT_EQ(posts.max_accounts, kMaxAccountsPerPost);
  EXPECT_EQ(posts.max_thread_parts, kMaxThreadParts);
  EXPECT_EQ(posts.max_media_per_part, kMaxMediaPerPart);
  EXPECT_EQ(posts.max_text_length, kMaxTextLength);
  EXPECT_EQ(posts.max_list_limit, kMaxListLimit);
  EXPECT_EQ(ListPostsRequest{}.limit, kDefaultListLimit);
  MediaServiceOptions media;
  EXPECT_EQ(media.max_inline_bytes, kMaxMediaBytes);
  EXPECT_EQ(media.max_alt_text, kMaxAltTextLength);
  EXPECT_EQ(media.max_file_name, kMaxFileNameLength);
}

TEST(LimitsTest, TextLengthCountsCodePointsAsJsonSchemaDoes) {
  EXPECT_EQ(TextLength(""), 0u);
  EXPECT_EQ(TextLength("abc"), 3u);
  EXPECT_EQ(TextLength("\xC3\xA9"), 1u);              // é: 2 bytes
  EXPECT_EQ(TextLength("\xE2\x82\xAC"), 1u);          // €: 3 bytes
  EXPECT_EQ(TextLength("\xF0\x9F\x98\x80"), 1u);      // 😀: 4 bytes, 2 UTF-16 units
}

}  // namespace
}  // namespace herald::core::limits
