#include "base/json.h"
#include "tests/support/result_matchers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using ::herald::matchers::IsOk;

namespace herald::base {
namespace {

TEST(JsonTest, ParseAndDump) {
  auto ok = ParseJson(R"({"a":1,"b":"x"})");
  ASSERT_THAT(ok, IsOk());
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

// Parse errors name the line and column and a short reason, not the parser's internals.
TEST(JsonTest, ParseErrorsAreReadable) {
  struct Case {
    std::string text;
    std::string message;
  };
  std::vector<Case> cases = {
      {"tru!", "invalid JSON at line 1, column 4: invalid literal"},
      {"{\"a\":", "invalid JSON at line 1, column 6: unexpected end of input; expected '[', '{', "
                  "or a literal"},
      {"{\n  \"a\": [1,\n   2,, 3]}",
       "invalid JSON at line 3, column 6: unexpected ','; expected '[', '{', or a literal"},
      {"{\"a\":1}x", "invalid JSON at line 1, column 8: invalid literal; expected end of input"},
      {"", "invalid JSON at line 1, column 1: unexpected end of input; expected '[', '{', or a "
           "literal"},
      {"[1e999]", "invalid JSON at line 1, column 6: number out of range"},
  };
  for (const auto& c : cases) {
    auto r = ParseJson(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message(), c.message) << c.text;
  }
  // An unterminated 1 MB string is not echoed back.
  auto long_string = ParseJson("\"" + std::string(1 << 20, 'x'));
  ASSERT_FALSE(long_string.ok());
  EXPECT_EQ(long_string.error().message(),
            "invalid JSON at line 1, column 1048578: invalid string: missing closing quote");
}

// The nesting limit holds while parsing: 2 million nested arrays (a 4 MB body) stop at the
// first bracket past the limit.
TEST(JsonTest, NestingDeeperThanTheLimitIsRefusedWhileParsing) {
  std::string deep = std::string(2'000'000, '[') + std::string(2'000'000, ']');
  auto r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "invalid JSON at line 1, column 129: nested deeper than 128 levels");
  // Objects count too; brackets in strings do not.
  std::string objects;
  for (int i = 0; i < 200; ++i) objects += "{\"[[\":";
  auto o = ParseJson(objects + "1" + std::string(200, '}'));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().message(),
            "invalid JSON at line 1, column 769: nested deeper than 128 levels");
  // Exactly at the limit is fine.
  auto at_limit = ParseJson(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'));
  EXPECT_THAT(at_limit, IsOk());
  // A caller may choose another limit.
  EXPECT_THAT(ParseJson("[[1]]", 2), IsOk());
  auto three = ParseJson("[[[1]]]", 2);
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.error().message(), "invalid JSON at line 1, column 3: nested deeper than 2 levels");
}

}  // namespace
}  // namespace herald::base
