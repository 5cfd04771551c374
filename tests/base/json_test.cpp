#include "base/json.h"

#include <gtest/gtest.h>

namespace herald::base {
namespace {

TEST(JsonTest, ParseAndDump) {
  auto ok = ParseJson(R"({"a":1,"b":"x"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["a"], 1);
  EXPECT_EQ(GetString(*ok, "b"), "x");
  EXPECT_EQ(GetString(*ok, "a", "fallback"), "fallback");
  EXPECT_EQ(GetString(Json::array(), "a"), "");
  auto bad = ParseJson("{\"a\":");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(DumpJson(Json{{"k", "v"}}), R"({"k":"v"})");
  // Invalid UTF-8 never throws when dumping.
  EXPECT_NO_THROW(DumpJson(Json(std::string("\xff\xfe"))));
}

TEST(JsonTest, TooDeepCountsNestingOutsideStrings) {
  EXPECT_FALSE(JsonTooDeep(R"({"a":[1,[2]]})", 3));
  EXPECT_TRUE(JsonTooDeep(R"({"a":[1,[2]]})", 2));
  // Brackets inside strings, escaped quotes included, are not nesting.
  EXPECT_FALSE(JsonTooDeep(R"({"a":"[[[[\"{{{{"})", 1));
  EXPECT_TRUE(JsonTooDeep(std::string(10'000, '['), 128));
  EXPECT_FALSE(JsonTooDeep("", 0));
}

}  // namespace
}  // namespace herald::base
