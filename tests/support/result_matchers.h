// GoogleMock matchers for base::Result<T> and base::Error, so a failing check prints the error
// (code and message) instead of "Value of: r.ok() Actual: false".
//
//   EXPECT_THAT(store.Write(...), IsOk());
//   EXPECT_THAT(service.GetSync(caller, "post_x"), StatusIs(base::ErrorCode::kNotFound));
//   EXPECT_THAT(r, StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("text")));
//   EXPECT_THAT(r, IsOkAndHolds(42));
//
// Header-only; include it from any test (tests/ has the repository root on its include path).
#ifndef HERALD_TESTS_SUPPORT_RESULT_MATCHERS_H_
#define HERALD_TESTS_SUPPORT_RESULT_MATCHERS_H_

#include <gmock/gmock.h>

#include <ostream>
#include <string>

#include "base/error.h"
#include "base/result.h"

namespace herald::matchers {

namespace internal {

// The error of a Result, or of an Error itself; nullptr when there is none.
template <class T>
const base::Error* ErrorOf(const base::Result<T>& r) {
  return r.ok() ? nullptr : &r.error();
}
inline const base::Error* ErrorOf(const base::Error& e) { return &e; }

inline std::string Describe(const base::Error& e) {
  return std::string(base::ErrorCodeName(e.code())) + ": " + e.message();
}

}  // namespace internal

// Matches a Result that holds a value (or Result<void> that succeeded).
MATCHER(IsOk, negation ? "is an error" : "is ok") {
  const base::Error* e = internal::ErrorOf(arg);
  if (e != nullptr) *result_listener << "which is " << internal::Describe(*e);
  return e == nullptr;
}

// Matches a Result that holds a value matching `inner`.
MATCHER_P(IsOkAndHolds, inner,
          std::string(negation ? "is an error or holds a value that " : "is ok and holds a value that ") +
              ::testing::DescribeMatcher<decltype(inner)>(inner)) {
  if (!arg.ok()) {
    *result_listener << "which is " << internal::Describe(arg.error());
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
}

// Matches a Result (or an Error) that failed with `code`.
MATCHER_P(StatusIs, code,
          std::string(negation ? "is not an error with code " : "is an error with code ") +
              std::string(base::ErrorCodeName(code))) {
  const base::Error* e = internal::ErrorOf(arg);
  if (e == nullptr) {
    *result_listener << "which is ok";
    return false;
  }
  *result_listener << "which is " << internal::Describe(*e);
  return e->code() == code;
}

// Matches a Result (or an Error) that failed with `code` and a message matching `message`.
MATCHER_P2(StatusIs, code, message,
           std::string(negation ? "is not an error with code " : "is an error with code ") +
               std::string(base::ErrorCodeName(code)) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message)) {
  const base::Error* e = internal::ErrorOf(arg);
  if (e == nullptr) {
    *result_listener << "which is ok";
    return false;
  }
  *result_listener << "which is " << internal::Describe(*e);
  return e->code() == code &&
         ::testing::Matches(::testing::Matcher<std::string>(message))(e->message());
}

}  // namespace herald::matchers

#endif  // HERALD_TESTS_SUPPORT_RESULT_MATCHERS_H_
