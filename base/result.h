// Result<T>: a value or an Error. The return type of every fallible interface in herald.
//
//   Result<Post> r = store.GetPost(org, id);
//   if (!r.ok()) return r.error();
//   Use(*r);
//
// Result<void> carries only success or an Error. The HERALD_* macros below propagate errors
// early (absl status_macros style); the CO_ variants are for coroutines.
#ifndef HERALD_BASE_RESULT_H_
#define HERALD_BASE_RESULT_H_

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/error.h"

namespace herald::base {

template <class T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<std::decay_t<T>, Error>, "Result<Error> is not allowed");

  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit
  template <class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, T> &&
             !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result>)
  Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok().
  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok().
  const Error& error() const& {
    assert(!ok());
    return *error_;
  }
  Error&& error() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

// The success value of Result<void>.
inline Result<void> Ok() { return {}; }

}  // namespace herald::base

#define HERALD_CONCAT_INNER_(a, b) a##b
#define HERALD_CONCAT_(a, b) HERALD_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Result) from the enclosing function if it failed.
#define HERALD_RETURN_IF_ERROR(expr)                                         \
  do {                                                                       \
    auto&& herald_status_ = (expr);                                          \
    if (!herald_status_.ok()) return std::move(herald_status_).error();      \
  } while (0)

// `lhs = *expr` if expr succeeded, else returns its error from the enclosing function.
#define HERALD_ASSIGN_OR_RETURN(lhs, expr) \
  HERALD_ASSIGN_OR_RETURN_IMPL_(HERALD_CONCAT_(herald_result_, __LINE__), lhs, expr, return)

// Coroutine variants: co_return instead of return.
#define HERALD_CO_RETURN_IF_ERROR(expr)                                      \
  do {                                                                       \
    auto&& herald_status_ = (expr);                                          \
    if (!herald_status_.ok()) co_return std::move(herald_status_).error();   \
  } while (0)
#define HERALD_CO_ASSIGN_OR_RETURN(lhs, expr) \
  HERALD_ASSIGN_OR_RETURN_IMPL_(HERALD_CONCAT_(herald_result_, __LINE__), lhs, expr, co_return)

#define HERALD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr, ret) \
  auto tmp = (expr);                                       \
  if (!tmp.ok()) ret std::move(tmp).error();               \
  lhs = std::move(tmp).value()

#endif  // HERALD_BASE_RESULT_H_
