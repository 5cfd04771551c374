#include "base/json.h"

#include <algorithm>

namespace herald::base {
namespace {

constexpr size_t kMaxReasonChars = 120;

// The offset of the first '[' or '{' (outside strings) that opens level `limit + 1`, or npos.
size_t FirstTooDeep(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// "invalid JSON at line L, column C: reason" for the character at 0-based `offset` of `text`
// (offset == size: the end of the input). Lines end at '\n', as nlohmann counts them.
Error InvalidJsonAt(std::string_view text, size_t offset, std::string_view reason) {
  size_t line = 1;
  size_t column = 1;
  const size_t end = std::min(offset, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return InvalidArgument("invalid JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + std::string(reason));
}

// The short reason of a nlohmann parse/out_of_range message, without the exception id, the
// position (we give our own), the parser context and the echo of the offending token.
std::string ShortReason(std::string_view what) {
  if (what.starts_with("[json.exception.")) {
    size_t close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  if (what.starts_with("parse error")) {
    size_t colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  if (what.starts_with("syntax error")) {
    size_t dash = what.find("- ");
    if (dash != std::string_view::npos) what.remove_prefix(dash + 2);
  }
  std::string reason;
  // "<lexer error>; last read: '<token>'[; expected <token type>]": the token may be the
  // whole input (an unterminated string), so it is dropped.
  if (size_t last = what.find("; last read: "); last != std::string_view::npos) {
    reason = std::string(what.substr(0, last));
    if (size_t expected = what.rfind("; expected "); expected != std::string_view::npos &&
                                                     expected > last) {
      reason += what.substr(expected);
    }
  } else if (what.starts_with("number overflow parsing")) {
    reason = "number out of range";
  } else {
    reason = std::string(what);
  }
  if (reason.size() > kMaxReasonChars) reason = reason.substr(0, kMaxReasonChars) + "...";
  if (reason.empty()) reason = "syntax error";
  return reason;
}

// nlohmann's DOM builder with a nesting limit: returning false from start_* stops the parser
// at once (nothing after that bracket is read).
class DepthLimitedSax : public nlohmann::detail::json_sax_dom_parser<Json> {
  using Base = nlohmann::detail::json_sax_dom_parser<Json>;

 public:
  DepthLimitedSax(Json& result, size_t max_depth)
      : Base(result, /*allow_exceptions_=*/false), max_depth_(max_depth) {}

  bool start_object(std::size_t len) { return Enter() && Base::start_object(len); }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool start_array(std::size_t len) { return Enter() && Base::start_array(len); }
  bool end_array() {
    --depth_;
    return Base::end_array();
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    failed_ = true;
    // `position` counts the characters read, the offending one included.
    error_offset_ = position == 0 ? 0 : position - 1;
    error_what_ = ex.what();
    return false;
  }

  bool too_deep() const { return too_deep_; }
  bool failed() const { return failed_; }
  size_t error_offset() const { return error_offset_; }
  const std::string& error_what() const { return error_what_; }

 private:
  bool Enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  size_t max_depth_;
  size_t depth_ = 0;
  bool too_deep_ = false;
  bool failed_ = false;
  size_t error_offset_ = 0;
  std::string error_what_;
};

}  // namespace

Result<Json> ParseJson(std::string_view text, size_t max_depth) {
  Json root;
  DepthLimitedSax sax(root, max_depth);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.data(), text.data() + text.size(), &sax,
                         Json::input_format_t::json, /*strict=*/true);
  } catch (const Json::exception& e) {
    // Not expected (errors go to parse_error), but never let one escape.
    return InvalidArgument(std::string("invalid JSON: ") + ShortReason(e.what()));
  }
  if (sax.too_deep()) {
    size_t at = FirstTooDeep(text, max_depth);
    return InvalidJsonAt(text, at == std::string_view::npos ? 0 : at,
                         "nested deeper than " + std::to_string(max_depth) + " levels");
  }
  if (!ok || sax.failed()) {
    return InvalidJsonAt(text, sax.error_offset(), ShortReason(sax.error_what()));
  }
  return root;
}

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string GetString(const Json& object, std::string_view key, std::string fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

bool JsonTooDeep(std::string_view text, size_t limit) {
  return FirstTooDeep(text, limit) != std::string_view::npos;
}

}  // namespace herald::base
