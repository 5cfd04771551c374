#include "tests/support/result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/result.h"

namespace herald::base {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::IsOkAndHolds;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// What a matcher says about `value` when it does not match.
template <class M, class V>
std::string Explain(const M& matcher, const V& value) {
  ::testing::StringMatchResultListener listener;
  ::testing::ExplainMatchResult(matcher, value, &listener);
  return listener.str();
}

TEST(ResultMatchersTest, IsOkMatchesValuesAndSuccessfulVoid) {
  EXPECT_THAT(Result<int>(3), IsOk());
  EXPECT_THAT(Result<void>(Ok()), IsOk());
  EXPECT_THAT(Result<int>(NotFound("no post 'x'")), Not(IsOk()));
}

TEST(ResultMatchersTest, AFailedCheckShowsTheError) {
  Result<int> failed = InvalidArgument("text: must not be empty");
  EXPECT_EQ(Explain(IsOk(), failed), "which is invalid_argument: text: must not be empty");
  EXPECT_EQ(Explain(StatusIs(ErrorCode::kNotFound), Result<int>(5)), "which is ok");
}

TEST(ResultMatchersTest, IsOkAndHoldsLooksAtTheValue) {
  EXPECT_THAT(Result<int>(4), IsOkAndHolds(4));
  EXPECT_THAT(Result<int>(4), Not(IsOkAndHolds(5)));
  EXPECT_THAT(Result<int>(Internal("boom")), Not(IsOkAndHolds(4)));
}

TEST(ResultMatchersTest, StatusIsMatchesCodeAndMessage) {
  Result<void> r = PermissionDenied("this needs the editor role");
  EXPECT_THAT(r, StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_THAT(r, Not(StatusIs(ErrorCode::kNotFound)));
  EXPECT_THAT(r, StatusIs(ErrorCode::kPermissionDenied, HasSubstr("editor role")));
  EXPECT_THAT(r, Not(StatusIs(ErrorCode::kPermissionDenied, HasSubstr("admin"))));
  EXPECT_THAT(Result<void>(Ok()), Not(StatusIs(ErrorCode::kPermissionDenied)));
  EXPECT_THAT(r.error(), StatusIs(ErrorCode::kPermissionDenied));
}

}  // namespace
}  // namespace herald::base
