// valijson aborts the process on a bad schema or value unless told to throw. This file is the
// only one that includes valijson.
#define VALIJSON_USE_EXCEPTIONS 1

#include "base/schema_validator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <string_view>
#include <unordered_map>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "base/time.h"

namespace herald::base {

struct SchemaValidator::Compiled {
  valijson::Schema schema;   // compiled without the formats herald checks itself
  bool has_formats = false;  // some "format" was taken out: check them after valijson
};

namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxQuoted = 60;

// ---- words ----

std::size_t CodePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  if (s.size() <= kMaxQuoted) {
    out += s;
  } else {
    std::size_t cut = kMaxQuoted;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out += s.substr(0, cut) + "...";
  }
  return out + "\"";
}

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string NumberText(const Json& v) {
  if (v.is_number_integer()) return v.dump();
  double d = v.get<double>();
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return v.dump();
}

// "the number 7", "the string \"abc\"", "an empty string", "an array of 3 items", ...
std::string DescribeValue(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return std::string("the boolean ") + (v.get<bool>() ? "true" : "false");
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "the number " + NumberText(v);
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      return s.empty() ? "an empty string" : "the string " + Quote(s);
    }
    case Json::value_t::array:
      return v.empty() ? "an empty array" : "an array of " + Plural(v.size(), "item", "items");
    case Json::value_t::object:
      return v.empty() ? "an empty object" : "an object";
    default:
      return "an unsupported value";
  }
}

std::string TypePhrase(const std::string& type) {
  if (type == "string") return "a string";
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "boolean") return "true or false";
  if (type == "array") return "an array";
  if (type == "object") return "an object";
  if (type == "null") return "null";
  return type;
}

std::string PluralTypePhrase(const std::string& type) {
  if (type == "boolean") return "booleans";
  if (type == "null") return "nulls";
  return type + "s";
}

std::string JoinOr(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string ListValues(const Json& values, std::size_t max = 12) {
  std::string out;
  std::size_t i = 0;
  for (const auto& v : values) {
    if (i == max) {
      out += ", ...";
      break;
    }
    if (i > 0) out += ", ";
    out += v.dump();
    ++i;
  }
  return out;
}

bool MatchesType(const Json& v, const std::string& type) {
  if (type == "string") return v.is_string();
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    if (v.is_number_float()) {
      double d = v.get<double>();
      return std::isfinite(d) && std::floor(d) == d;
    }
    return false;
  }
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  if (type == "null") return v.is_null();
  return true;  // unknown type names are the schema's problem, not the caller's
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), ignoring case.
std::size_t EditDistance(const std::string& a, const std::string& b) {
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

// The candidate closest to `word` when it is close enough to be a likely typo.
std::optional<std::string> Closest(const std::string& word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    std::size_t d = EditDistance(word, c);
    std::size_t allowed = std::max<std::size_t>(1, std::min(word.size(), c.size()) / 3);
    bool prefix =
        c.size() >= 3 && word.size() >= 3 && (c.rfind(word, 0) == 0 || word.rfind(c, 0) == 0);
    if ((d <= allowed || prefix) && (!best || d < best_distance)) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

bool IsIdentifier(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "publish_at", "thread[0].text", "overrides[\"acc 1\"]".
std::string ChildPath(const std::string& path, const std::string& key) {
  if (IsIdentifier(key)) return path.empty() ? key : path + "." + key;
  return path + "[" + base::DumpJson(Json(key)) + "]";
}

std::string IndexPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// True if `s` is well-formed UTF-8 (no stray continuation bytes, truncated or overlong
// sequences, surrogates, or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80            ? 1
                      : (c >> 5) == 0x6   ? 2
                      : (c >> 4) == 0xE   ? 3
                      : (c >> 3) == 0x1E  ? 4
                                          : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// The path of a string or member name in `instance` that is not valid UTF-8, or nullopt.
// Parsed JSON is always UTF-8, but REST arguments come from percent-decoded query parameters and
// path segments; valijson's UTF-8 code (string lengths) reads out of bounds on such strings, so
// they are refused before it sees them. Iterative and linear, as documents may be deeply nested.
std::optional<std::string> FindInvalidUtf8(const Json& instance) {
  // The common case, without allocating paths: is there any?
  std::vector<const Json*> stack{&instance};
  bool any = false;
  while (!stack.empty() && !any) {
    const Json* j = stack.back();
    stack.pop_back();
    if (j->is_string()) {
      any = !IsValidUtf8(j->get_ref<const std::string&>());
    } else if (j->is_object()) {
      for (auto it = j->begin(); it != j->end() && !any; ++it) {
        any = !IsValidUtf8(it.key());
        stack.push_back(&it.value());
      }
    } else if (j->is_array()) {
      for (const auto& e : *j) stack.push_back(&e);
    }
  }
  if (!any) return std::nullopt;
  // Rare: walk again keeping each value's parent, to name the one found.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  struct Node {
    const Json* value;
    std::size_t parent;
    const std::string* key;  // null for an array element
    std::size_t index;
  };
  std::vector<Node> nodes{{&instance, kNone, nullptr, 0}};
  std::vector<std::size_t> todo{0};
  while (!todo.empty()) {
    const std::size_t n = todo.back();
    todo.pop_back();
    const Json* j = nodes[n].value;
    const std::string* bad_key = nullptr;
    bool bad = false;
    if (j->is_string()) {
      bad = !IsValidUtf8(j->get_ref<const std::string&>());
    } else if (j->is_object()) {
      for (auto it = j->begin(); it != j->end() && !bad; ++it) {
        if (!IsValidUtf8(it.key())) {
          bad = true;
          bad_key = &it.key();
        } else {
          nodes.push_back({&it.value(), n, &it.key(), 0});
          todo.push_back(nodes.size() - 1);
        }
      }
    } else if (j->is_array()) {
      for (std::size_t i = 0; i < j->size(); ++i) {
        nodes.push_back({&(*j)[i], n, nullptr, i});
        todo.push_back(nodes.size() - 1);
      }
    }
    if (!bad) continue;
    std::vector<std::size_t> chain;
    for (std::size_t k = n; k != 0; k = nodes[k].parent) chain.push_back(k);
    std::string path;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const Node& node = nodes[*it];
      path = node.key != nullptr ? ChildPath(path, *node.key) : IndexPath(path, node.index);
    }
    return bad_key != nullptr ? ChildPath(path, *bad_key) : path;
  }
  return std::string();  // not reached: the first walk found one
}

std::string ShortDescription(const Json& schema) {
  if (!schema.is_object()) return {};
  std::string d = base::GetString(schema, "description");
  if (d.empty()) d = base::GetString(schema, "title");
  if (d.size() > 160) {
    std::size_t cut = d.rfind(' ', 157);
    d = d.substr(0, cut == std::string::npos ? 157 : cut) + "...";
  }
  return d;
}

// A compiled regex for `pattern`, cached per thread (patterns come from schemas, so the cache
// stays small). Throws std::regex_error for a bad pattern.
const std::regex& CachedRegex(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end())
    it = cache.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return it->second;
}

// The formats herald checks itself (valijson builds a std::regex on every check of them).
bool IsOwnFormat(const Json& format) {
  if (!format.is_string()) return false;
  const auto& f = format.get_ref<const std::string&>();
  return f == "date-time" || f == "date" || f == "time";
}

// `schema` without the "format" keywords IsOwnFormat covers, walking only schema positions (so
// a property that happens to be called "format" stays). Sets *removed when one was taken out.
Json StripOwnFormats(const Json& schema, bool* removed) {
  if (!schema.is_object()) return schema;
  Json out = schema;
  if (auto f = out.find("format"); f != out.end() && IsOwnFormat(*f)) {
    out.erase(f);
    *removed = true;
  }
  for (const char* map_key :
       {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}) {
    if (auto m = out.find(map_key); m != out.end() && m->is_object()) {
      for (auto& [name, sub] : m->items()) sub = StripOwnFormats(sub, removed);
    }
  }
  for (const char* key :
       {"items", "additionalItems", "additionalProperties", "not", "if", "then", "else", "contains",
        "propertyNames", "unevaluatedProperties", "unevaluatedItems"}) {
    if (auto it = out.find(key); it != out.end()) {
      if (it->is_array()) {
        for (auto& sub : *it) sub = StripOwnFormats(sub, removed);
      } else {
        *it = StripOwnFormats(*it, removed);
      }
    }
  }
  for (const char* list_key : {"allOf", "anyOf", "oneOf", "prefixItems"}) {
    if (auto l = out.find(list_key); l != out.end() && l->is_array()) {
      for (auto& sub : *l) sub = StripOwnFormats(sub, removed);
    }
  }
  return out;
}

// ---- the explainer: walks schema and instance side by side ----

class Explainer {
 public:
  Explainer(const Json& root, std::size_t limit, SchemaSubject subject)
      : root_(root), limit_(limit), subject_(subject) {}

  void Check(const Json& schema, const Json& value, const std::string& path, int depth) {
    if (Full()) return;
    if (depth > kMaxDepth) {
      Add(path, "is nested too deeply to check");
      return;
    }
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) Add(path, "is not allowed here");
      return;
    }
    if (!schema.is_object()) return;
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      const Json* target = Resolve(ref->get<std::string>());
      if (target != nullptr) Check(*target, value, path, depth + 1);
      // draft-07: siblings of $ref are ignored; 2020-12 applies them. Apply them.
    }
    // type
    if (auto type = schema.find("type"); type != schema.end()) {
      std::vector<std::string> types;
      if (type->is_string()) types.push_back(type->get<std::string>());
      if (type->is_array()) {
        for (const auto& t : *type) {
          if (t.is_string()) types.push_back(t.get<std::string>());
        }
      }
      if (!types.empty() && std::none_of(types.begin(), types.end(), [&](const std::string& t) {
            return MatchesType(value, t);
          })) {
        std::vector<std::string> phrases;
        for (const auto& t : types) phrases.push_back(TypePhrase(t));
        std::string message = "expected " + JoinOr(phrases);
        if (types.size() == 1 && types[0] == "string" && schema.contains("format")) {
          message = "expected " + FormatPhrase(base::GetString(schema, "format"));
        }
        Add(path, message + ", got " + DescribeValue(value));
        return;  // nothing else is meaningful for a value of the wrong type
      }
    }
    if (auto c = schema.find("const"); c != schema.end() && value != *c) {
      Add(path, "must be " + c->dump() + ", got " + DescribeValue(value));
      return;
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
      if (std::find(e->begin(), e->end(), value) == e->end()) {
        std::string message = "expected one of " + ListValues(*e) + ", got " + DescribeValue(value);
        if (value.is_string()) {
          std::vector<std::string> names;
          for (const auto& v : *e) {
            if (v.is_string()) names.push_back(v.get<std::string>());
          }
          if (auto near = Closest(value.get<std::string>(), names)) {
            message += "; did you mean " + base::DumpJson(Json(*near)) + "?";
          }
        }
        Add(path, message);
        return;
      }
    }
    if (value.is_string()) CheckString(schema, value.get_ref<const std::string&>(), path);
    if (value.is_number()) CheckNumber(schema, value, path);
    if (value.is_array()) CheckArray(schema, value, path, depth);
    if (value.is_object()) CheckObject(schema, value, path, depth);
    CheckCombinators(schema, value, path, depth);
  }

  std::vector<SchemaProblem> Take() { return std::move(problems_); }

 private:
  bool Full() const { return problems_.size() >= limit_; }

  void Add(const std::string& path, std::string message) {
    if (Full()) return;
    for (const auto& p : problems_) {
      if (p.path == path && p.message == message) return;
    }
    problems_.push_back({path, std::move(message)});
  }

  // True if `value` matches `schema` by this explainer's reading (used for anyOf/oneOf/not/if).
  bool Matches(const Json& schema, const Json& value, const std::string& path, int depth,
               std::vector<SchemaProblem>* out = nullptr) {
    Explainer sub(root_, 4, subject_);
    sub.Check(schema, value, path, depth + 1);
    auto problems = sub.Take();
    bool ok = problems.empty();
    if (out != nullptr) *out = std::move(problems);
    return ok;
  }

  const Json* Resolve(const std::string& ref) {
    if (ref.empty() || ref[0] != '#') return nullptr;  // never fetch remote schemas
    try {
      const Json& target = root_.at(Json::json_pointer(ref.substr(1)));
      return &target;
    } catch (const Json::exception&) {
      return nullptr;
    }
  }

  static std::string FormatPhrase(const std::string& format) {
    if (format == "date-time") {
      return "an RFC 3339 date-time with an offset, like \"2026-03-01T09:00:00+01:00\" or "
             "\"2026-03-01T08:00:00Z\"";
    }
    if (format == "date") return "a date like \"2026-03-01\"";
    if (format == "time") return "a time with an offset, like \"09:00:00+01:00\"";
    if (format == "uri") return "an absolute URI, like \"https://example.com/a\"";
    if (format == "email") return "an email address";
    return "a string in \"" + format + "\" format";
  }

  void CheckString(const Json& schema, const std::string& s, const std::string& path) {
    std::size_t length = CodePoints(s);
    if (auto min = schema.find("minLength"); min != schema.end() && min->is_number_unsigned()) {
      auto n = min->get<std::size_t>();
      if (length < n) {
        Add(path, s.empty() ? "must not be empty"
                            : "must be at least " + Plural(n, "character", "characters") +
                                  " long, got " + std::to_string(length));
      }
    }
    if (auto max = schema.find("maxLength"); max != schema.end() && max->is_number_unsigned()) {
      auto n = max->get<std::size_t>();
      if (length > n) {
        Add(path, "must be at most " + Plural(n, "character", "characters") + " long, got " +
                      std::to_string(length) + " (shorten it by " + std::to_string(length - n) +
                      ")");
      }
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      try {
        if (!std::regex_search(s, CachedRegex(pattern->get<std::string>()))) {
          std::string message = DescribeValue(Json(s)) +
                                " does not have the expected form (pattern " +
                                pattern->get<std::string>() + ")";
          Add(path, message);
        }
      } catch (const std::regex_error&) {
        // An unusable pattern is the schema's problem; valijson reports it if it matters.
      }
    }
    if (auto format = schema.find("format"); format != schema.end() && format->is_string()) {
      const std::string& f = format->get_ref<const std::string&>();
      if (f == "date-time") {
        auto parsed = base::ParseRfc3339(s);
        static const std::regex kStrict(
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{"
            "2}:[0-9]{2})$");
        static const std::regex kNoOffset(
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$");
        if (!parsed.ok() || !std::regex_match(s, kStrict)) {
          std::string message = "expected " + FormatPhrase(f) + ", got " + DescribeValue(Json(s));
          if (std::regex_match(s, kNoOffset)) {
            message += "; it has no UTC offset: append \"Z\" or an offset such as \"+01:00\"";
          }
          Add(path, message);
        }
      } else if (f == "date") {
        static const std::regex kDate("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$");
        if (!std::regex_match(s, kDate)) {
          Add(path, "expected " + FormatPhrase(f) + ", got " + DescribeValue(Json(s)));
        }
      } else if (f == "time") {
        static const std::regex kTime(
            "^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3])"
            ":[0-5][0-9])$");
        if (!std::regex_match(s, kTime)) {
          Add(path, "expected " + FormatPhrase(f) + ", got " + DescribeValue(Json(s)));
        }
      }
    }
  }

  void CheckNumber(const Json& schema, const Json& v, const std::string& path) {
    double d = v.get<double>();
    auto bound = [&](const char* key) -> std::optional<double> {
      auto it = schema.find(key);
      if (it == schema.end() || !it->is_number()) return std::nullopt;
      return it->get<double>();
    };
    auto text = [&](const char* key) { return NumberText(schema[key]); };
    if (auto min = bound("minimum"); min && d < *min) {
      Add(path, "must be at least " + text("minimum") + ", got " + NumberText(v));
    }
    if (auto max = bound("maximum"); max && d > *max) {
      Add(path, "must be at most " + text("maximum") + ", got " + NumberText(v));
    }
    if (auto min = bound("exclusiveMinimum"); min && d <= *min) {
      Add(path, "must be greater than " + text("exclusiveMinimum") + ", got " + NumberText(v));
    }
    if (auto max = bound("exclusiveMaximum"); max && d >= *max) {
      Add(path, "must be less than " + text("exclusiveMaximum") + ", got " + NumberText(v));
    }
    if (auto m = bound("multipleOf"); m && *m > 0) {
      double q = d / *m;
      if (std::fabs(q - std::round(q)) > 1e-9) {
        Add(path, "must be a multiple of " + text("multipleOf") + ", got " + NumberText(v));
      }
    }
  }

  void CheckArray(const Json& schema, const Json& a, const std::string& path, int depth) {
    if (auto min = schema.find("minItems"); min != schema.end() && min->is_number_unsigned()) {
      auto n = min->get<std::size_t>();
      if (a.size() < n) {
        Add(path, "must have at least " + Plural(n, "item", "items") + ", got " +
                      std::to_string(a.size()));
      }
    }
    if (auto max = schema.find("maxItems"); max != schema.end() && max->is_number_unsigned()) {
      auto n = max->get<std::size_t>();
      if (a.size() > n) {
        Add(path, "must have at most " + Plural(n, "item", "items") + ", got " +
                      std::to_string(a.size()));
      }
    }
    if (auto unique = schema.find("uniqueItems");
        unique != schema.end() && unique->is_boolean() && unique->get<bool>()) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j = i + 1; j < a.size(); ++j) {
          if (a[i] == a[j]) {
            Add(IndexPath(path, j), "repeats " + IndexPath(path, i) + " (" + DescribeValue(a[i]) +
                                        "); items must be unique");
          }
        }
      }
    }
    auto items = schema.find("items");
    auto prefix = schema.find("prefixItems");
    std::size_t first = 0;
    if (prefix != schema.end() && prefix->is_array()) {
      for (std::size_t i = 0; i < a.size() && i < prefix->size(); ++i) {
        Check((*prefix)[i], a[i], IndexPath(path, i), depth + 1);
      }
      first = prefix->size();
    }
    if (items != schema.end()) {
      if (items->is_array()) {  // draft-07 tuple form
        for (std::size_t i = 0; i < a.size() && i < items->size(); ++i) {
          Check((*items)[i], a[i], IndexPath(path, i), depth + 1);
        }
        auto extra = schema.find("additionalItems");
        if (extra != schema.end()) {
          for (std::size_t i = items->size(); i < a.size(); ++i) {
            Check(*extra, a[i], IndexPath(path, i), depth + 1);
          }
        }
      } else {
        for (std::size_t i = first; i < a.size(); ++i) {
          Check(*items, a[i], IndexPath(path, i), depth + 1);
        }
      }
    }
  }

  void CheckObject(const Json& schema, const Json& o, const std::string& path, int depth) {
    const bool root = path.empty() && subject_ == SchemaSubject::kArguments;
    auto properties = schema.find("properties");
    if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
      for (const auto& name : *required) {
        if (!name.is_string() || o.contains(name.get<std::string>())) continue;
        std::string key = name.get<std::string>();
        std::string message =
            std::string(root ? "missing required argument " : "missing required field ") +
            base::DumpJson(Json(key));
        if (properties != schema.end() && properties->is_object() && properties->contains(key)) {
          std::string d = ShortDescription((*properties)[key]);
          if (!d.empty()) message += " (" + d + ")";
        }
        Add(path, message);
      }
    }
    std::vector<std::string> known;
    if (properties != schema.end() && properties->is_object()) {
      for (const auto& [key, sub] : properties->items()) known.push_back(key);
    }
    auto additional = schema.find("additionalProperties");
    auto patterns = schema.find("patternProperties");
    for (const auto& [key, value] : o.items()) {
      if (Full()) return;
      std::string child = ChildPath(path, key);
      if (properties != schema.end() && properties->is_object() && properties->contains(key)) {
        Check((*properties)[key], value, child, depth + 1);
        continue;
      }
      bool matched_pattern = false;
      if (patterns != schema.end() && patterns->is_object()) {
        for (const auto& [pattern, sub] : patterns->items()) {
          try {
            if (std::regex_search(key, CachedRegex(pattern))) {
              matched_pattern = true;
              Check(sub, value, child, depth + 1);
            }
          } catch (const std::regex_error&) {
          }
        }
      }
      if (matched_pattern || additional == schema.end()) continue;
      if (additional->is_boolean() && !additional->get<bool>()) {
        std::string message =
            std::string(root ? "unknown argument " : "unknown field ") + base::DumpJson(Json(key));
        if (auto near = Closest(key, known)) {
          message += "; did you mean " + base::DumpJson(Json(*near)) + "?";
        } else if (!known.empty()) {
          std::string allowed;
          for (std::size_t i = 0; i < known.size() && i < 20; ++i) {
            allowed += (i ? ", " : "") + known[i];
          }
          message += " (allowed: " + allowed + ")";
        } else {
          message += root ? " (this tool takes no arguments)" : " (no fields are allowed here)";
        }
        Add(path, message);
      } else {
        Check(*additional, value, child, depth + 1);
      }
    }
    if (auto min = schema.find("minProperties"); min != schema.end() && min->is_number_unsigned()) {
      auto n = min->get<std::size_t>();
      if (o.size() < n) Add(path, "must have at least " + Plural(n, "field", "fields"));
    }
    if (auto max = schema.find("maxProperties"); max != schema.end() && max->is_number_unsigned()) {
      auto n = max->get<std::size_t>();
      if (o.size() > n) Add(path, "must have at most " + Plural(n, "field", "fields"));
    }
    if (auto deps = schema.find("dependentRequired"); deps != schema.end() && deps->is_object()) {
      for (const auto& [key, needs] : deps->items()) {
        if (!o.contains(key) || !needs.is_array()) continue;
        for (const auto& n : needs) {
          if (n.is_string() && !o.contains(n.get<std::string>())) {
            Add(path, base::DumpJson(Json(key)) + " needs " + base::DumpJson(n) + " as well");
          }
        }
      }
    }
  }

  void CheckCombinators(const Json& schema, const Json& value, const std::string& path, int depth) {
    if (auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
      for (const auto& sub : *all) Check(sub, value, path, depth + 1);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      auto it = schema.find(key);
      if (it == schema.end() || !it->is_array() || it->empty()) continue;
      std::size_t matching = 0;
      std::vector<std::vector<SchemaProblem>> branch_problems;
      for (const auto& sub : *it) {
        std::vector<SchemaProblem> problems;
        if (Matches(sub, value, path, depth, &problems)) ++matching;
        branch_problems.push_back(std::move(problems));
      }
      if (matching == 0) {
        ExplainNoBranch(*it, branch_problems, value, path);
      } else if (matching > 1 && std::string(key) == "oneOf") {
        Add(path, "matches more than one of the allowed forms; make it match exactly one");
      }
    }
    if (auto n = schema.find("not"); n != schema.end()) {
      if (Matches(*n, value, path, depth)) Add(path, DescribeValue(value) + " is not allowed here");
    }
    if (auto cond = schema.find("if"); cond != schema.end()) {
      if (Matches(*cond, value, path, depth)) {
        if (auto then = schema.find("then"); then != schema.end())
          Check(*then, value, path, depth + 1);
      } else if (auto otherwise = schema.find("else"); otherwise != schema.end()) {
        Check(*otherwise, value, path, depth + 1);
      }
    }
  }

  // No alternative matched: if exactly one alternative accepts the value's type, its problems
  // are the useful ones; otherwise list what the alternatives expect.
  void ExplainNoBranch(const Json& branches,
                       const std::vector<std::vector<SchemaProblem>>& problems, const Json& value,
                       const std::string& path) {
    std::vector<std::size_t> same_type;
    std::vector<std::string> shapes;
    for (std::size_t i = 0; i < branches.size(); ++i) {
      const Json& b = branches[i];
      std::string phrase;
      bool type_ok = true;
      if (b.is_object()) {
        if (auto t = b.find("type"); t != b.end() && t->is_string()) {
          phrase = TypePhrase(t->get<std::string>());
          type_ok = MatchesType(value, t->get<std::string>());
          if (t->get<std::string>() == "array" && b.contains("items") && b["items"].is_object()) {
            if (auto it = b["items"].find("type"); it != b["items"].end() && it->is_string()) {
              phrase = "an array of " + PluralTypePhrase(it->get<std::string>());
            }
          }
        } else if (auto c = b.find("const"); c != b.end()) {
          phrase = c->dump();
          type_ok = false;
        } else if (auto e = b.find("enum"); e != b.end() && e->is_array()) {
          phrase = "one of " + ListValues(*e);
          type_ok = false;
        }
      }
      if (!phrase.empty() && std::find(shapes.begin(), shapes.end(), phrase) == shapes.end()) {
        shapes.push_back(phrase);
      }
      if (type_ok && !phrase.empty()) same_type.push_back(i);
    }
    if (same_type.size() == 1) {
      for (const auto& p : problems[same_type[0]]) Add(p.path, p.message);
      return;
    }
    if (!shapes.empty()) {
      Add(path, "expected " + JoinOr(shapes) + ", got " + DescribeValue(value));
      return;
    }
    // Object alternatives without types: report the alternative closest to matching.
    std::size_t best = 0;
    for (std::size_t i = 1; i < problems.size(); ++i) {
      if (problems[i].size() < problems[best].size()) best = i;
    }
    if (problems[best].empty()) {
      Add(path, "does not match any of the allowed forms");
      return;
    }
    for (const auto& p : problems[best]) Add(p.path, p.message);
  }

  const Json& root_;
  std::size_t limit_;
  SchemaSubject subject_;
  std::vector<SchemaProblem> problems_;
};

// valijson's context ["<root>", "[accounts]", "[2]"] as "accounts[2]".
std::string ValijsonPath(const std::vector<std::string>& context) {
  std::string path;
  for (std::size_t i = 1; i < context.size(); ++i) {
    std::string part = context[i];
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      part = part.substr(1, part.size() - 2);
    }
    bool index = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
    path = index ? IndexPath(path, std::stoul(part)) : ChildPath(path, part);
  }
  return path;
}

}  // namespace

SchemaValidator::SchemaValidator(Json schema, std::unique_ptr<Compiled> compiled)
    : schema_(std::move(schema)), compiled_(std::move(compiled)) {}
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;
SchemaValidator& SchemaValidator::operator=(SchemaValidator&&) noexcept = default;
SchemaValidator::~SchemaValidator() = default;

Result<SchemaValidator> SchemaValidator::Compile(Json schema) {
  if (!schema.is_object()) return base::InvalidArgument("a schema must be a JSON object");
  auto compiled = std::make_unique<Compiled>();
  try {
    Json for_valijson = StripOwnFormats(schema, &compiled->has_formats);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(for_valijson);
    parser.populateSchema(adapter, compiled->schema);
  } catch (const std::exception& e) {
    return base::InvalidArgument(std::string("not a valid JSON Schema: ") + e.what());
  }
  return SchemaValidator(std::move(schema), std::move(compiled));
}

bool SchemaValidator::IsValid(const Json& instance) const { return Validate(instance, 1).empty(); }

std::vector<SchemaProblem> SchemaValidator::Validate(const Json& instance, std::size_t limit,
                                                     SchemaSubject subject) const {
  if (limit == 0) limit = 1;
  if (auto path = FindInvalidUtf8(instance)) return {{*path, "is not valid UTF-8 text"}};
  valijson::ValidationResults results;
  bool valid = false;
  bool threw = false;
  try {
    // A Validator caches compiled regexes and is not thread-safe: one per thread, kept so the
    // cache stays warm (regexes are keyed by pattern text, so schemas can share it).
    thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::adapters::NlohmannJsonAdapter target(instance);
    valid = validator.validate(compiled_->schema, target, &results);
  } catch (const std::exception& e) {
    // valijson throws on some type/format combinations; the explainer decides then.
    threw = true;
    spdlog::debug("valijson threw while validating: {}", e.what());
  }
  if (valid && compiled_->has_formats) {
    // Structure is fine; the formats valijson did not see are checked here.
    Explainer formats(schema_, limit, subject);
    formats.Check(schema_, instance, "", 0);
    return formats.Take();
  }
  if (valid) return {};
  Explainer explainer(schema_, limit, subject);
  explainer.Check(schema_, instance, "", 0);
  auto problems = explainer.Take();
  if (!problems.empty() || threw) return problems;
  // The explainer found nothing valijson objects to: use valijson's own words, leaf errors only.
  for (const auto& e : results) {
    if (problems.size() >= limit) break;
    if (e.description.rfind("Failed to validate", 0) == 0 && results.numErrors() > 1) continue;
    problems.push_back({ValijsonPath(e.context), e.description});
  }
  if (problems.empty()) problems.push_back({"", "does not match the schema"});
  return problems;
}

std::string DescribePath(const std::string& path) { return path.empty() ? "the arguments" : path; }

std::string FormatArgumentProblems(std::string_view tool_name,
                                   const std::vector<SchemaProblem>& problems) {
  std::string out = "Invalid arguments for " + std::string(tool_name) + ":";
  for (const auto& p : problems) {
    out += "\n- ";
    if (!p.path.empty()) out += p.path + ": ";
    out += p.message;
  }
  out += "\nFix " + std::string(problems.size() == 1 ? "this" : "these") + " and call " +
         std::string(tool_name) + " again.";
  return out;
}

}  // namespace herald::base
