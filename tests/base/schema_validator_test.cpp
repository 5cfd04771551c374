// Tests for base::SchemaValidator: paths in problems, invalid UTF-8, formats, messages.
#include "base/schema_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/result_matchers.h"

namespace herald::base {
namespace {

using ::herald::matchers::IsOk;
using ::testing::Not;

TEST(SchemaValidatorTest, PathsForAwkwardKeysAndDocuments) {
  auto v = SchemaValidator::Compile(Json::parse(R"({
    "type": "object",
    "properties": {"overrides": {"type": "object",
      "additionalProperties": {"type": "object", "properties": {"text": {"type": "string"}},
                               "required": ["text"]}}}})"));
  ASSERT_THAT(v, IsOk());
  auto problems = v->Validate(Json::parse(R"({"overrides": {"acc 1": {"text": 5}, "acc_2": {}}})"));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].path, "overrides[\"acc 1\"].text");
  EXPECT_EQ(problems[0].message, "expected a string, got the number 5");
  EXPECT_EQ(problems[1].path, "overrides.acc_2");
  EXPECT_EQ(problems[1].message, "missing required field \"text\"");
  EXPECT_TRUE(v->Validate(Json::parse(R"({"overrides": {"x": {"text": "ok"}}})")).empty());

  auto doc = SchemaValidator::Compile(Json::parse(R"({"type":"object","required":["id"]})"));
  auto doc_problems = doc->Validate(Json::object(), 8, SchemaSubject::kDocument);
  ASSERT_EQ(doc_problems.size(), 1u);
  EXPECT_EQ(doc_problems[0].message, "missing required field \"id\"");
  EXPECT_THAT(SchemaValidator::Compile(Json::array()), Not(IsOk()));
}

TEST(SchemaValidatorTest, InvalidUtf8IsAProblemNotACrash) {
  // REST query parameters and path segments are percent-decoded bytes, not necessarily UTF-8
  // (GET /api/v1/posts?%FF=1, ?from=%B5...%8F%8F%8F): such strings and names are refused with a
  // message naming them (the name quoted with U+FFFD). Found by fuzz/rest_fuzz: quoting the
  // name threw (the REST call answered 500) and valijson's length check read out of bounds.
  auto v = SchemaValidator::Compile(Json::parse(R"({
    "type": "object", "additionalProperties": false,
    "properties": {"text": {"type": "string", "maxLength": 5},
                   "overrides": {"type": "object", "additionalProperties": {"type": "string"}},
                   "list": {"type": "array", "items": {"type": "string", "minLength": 1}}}})"));
  ASSERT_THAT(v, IsOk());
  struct Case {
    Json instance;
    std::string path;
  };
  Json unknown_name = Json::object();
  unknown_name["\xff"] = "1";
  Json nested_name = Json::object();
  nested_name["overrides"]["a\xfe b"] = "x";
  const Case cases[] = {
      {unknown_name, "[\"\xEF\xBF\xBD\"]"},
      {nested_name, "overrides[\"a\xEF\xBF\xBD b\"]"},
      {Json{{"text", "2026\x8f\x8f\x8f\x8f\x8f\x8f\x8f\x8f\x8f\x8f"}}, "text"},
      {Json{{"text", "ok"}, {"list", Json::array({"fine", "\xc0\xaf"})}}, "list[1]"},  // overlong
      {Json{{"text", "\xed\xa0\x80"}}, "text"},                                     // surrogate
      {Json{{"text", "\xe2\x82"}}, "text"},                                          // truncated
  };
  for (const auto& c : cases) {
    std::vector<SchemaProblem> problems;
    ASSERT_NO_THROW(problems = v->Validate(c.instance));
    ASSERT_EQ(problems.size(), 1u) << c.path;
    EXPECT_EQ(problems[0].path, c.path);
    EXPECT_EQ(problems[0].message, "is not valid UTF-8 text");
  }
  EXPECT_TRUE(
      v->Validate(Json{{"text", "h\xc3\xa9\xf0\x9f\x91\x8d"}, {"list", {"\xe2\x82\xac"}}}).empty());
}

TEST(SchemaValidatorTest, FormatOnNonStringDoesNotCrash) {
  // valijson reads "format" on any type (JSON Schema applies it to strings only); whatever it
  // decides, validation must not crash or abort, and a message names the field.
  auto v = SchemaValidator::Compile(
      Json::parse(R"({"type":"object","properties":{"at":{"format":"date-time"}}})"));
  ASSERT_THAT(v, IsOk());
  for (const auto& p : v->Validate(Json::parse(R"({"at": 5})"))) EXPECT_EQ(p.path, "at");
  auto bad = v->Validate(Json::parse(R"({"at": "soon"})"));
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].path, "at");
}

TEST(SchemaValidatorTest, FormatsAreCheckedEvenWhenTheRestIsValid) {
  // A property that is itself called "format" keeps its schema; date-time formats nested in
  // arrays and $defs are still enforced.
  auto v = SchemaValidator::Compile(Json::parse(R"({
    "type": "object", "additionalProperties": false,
    "properties": {
      "format": {"type": "string", "enum": ["short", "long"]},
      "times": {"type": "array", "items": {"$ref": "#/$defs/at"}}
    },
    "$defs": {"at": {"type": "string", "format": "date-time"}}
  })"));
  ASSERT_THAT(v, IsOk());
  EXPECT_TRUE(v->Validate(Json::parse(R"({"format": "short", "times": ["2026-01-01T00:00:00Z"]})"))
                  .empty());
  auto bad_enum = v->Validate(Json::parse(R"({"format": "medium"})"));
  ASSERT_EQ(bad_enum.size(), 1u);
  EXPECT_EQ(bad_enum[0].path, "format");
  auto bad_time =
      v->Validate(Json::parse(R"({"times": ["2026-01-01T00:00:00Z", "2026-13-01T00:00:00Z"]})"));
  ASSERT_EQ(bad_time.size(), 1u);
  EXPECT_EQ(bad_time[0].path, "times[1]");
}

TEST(SchemaValidatorTest, FormatsTheMessage) {
  EXPECT_EQ(FormatArgumentProblems("t", {{"a", "x"}}),
            "Invalid arguments for t:\n- a: x\nFix this and call t again.");
  EXPECT_EQ(FormatArgumentProblems("t", {{"", "x"}, {"b[1]", "y"}}),
            "Invalid arguments for t:\n- x\n- b[1]: y\nFix these and call t again.");
}

}  // namespace
}  // namespace herald::base
