#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace herald::base {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  HERALD_ASSIGN_OR_RETURN(int h, Half(x));
  HERALD_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Result<void> CheckEven(int x) {
  HERALD_RETURN_IF_ERROR(Half(x));
  return Ok();
}

TEST(ResultTest, ValueAndError) {
  Result<int> ok = 4;
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  Result<int> bad = NotFound("nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(bad.error().message(), "nope");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ResultTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(ResultTest, ConvertingConstruction) {
  Result<std::string> r = "text";
  EXPECT_EQ(*r, "text");
}

TEST(ErrorTest, InternalHidesDetail) {
  Error e = Internal("SELECT * FROM secrets failed");
  EXPECT_EQ(e.message(), "internal error");
  EXPECT_EQ(e.detail(), "SELECT * FROM secrets failed");
  EXPECT_EQ(e.ToString(), "internal: internal error");
}

TEST(ErrorTest, LogStringAddsTheDetailForServerLogs) {
  EXPECT_EQ(Internal("SQLSTATE 40P01 deadlock").ToLogString(),
            "internal: internal error [SQLSTATE 40P01 deadlock]");
  EXPECT_EQ(NotFound("post p1 not found").ToLogString(), "not_found: post p1 not found");
}

TEST(ErrorTest, RetryAfter) {
  Error e = ResourceExhausted("slow down");
  EXPECT_FALSE(e.retry_after().has_value());
  e.set_retry_after(std::chrono::seconds(3));
  EXPECT_EQ(*e.retry_after(), std::chrono::milliseconds(3000));
  EXPECT_EQ(ErrorCodeName(ErrorCode::kResourceExhausted), "resource_exhausted");
}

}  // namespace
}  // namespace herald::base
