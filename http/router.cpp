#include "http/router.h"

#include <cstdio>
#include <cstdlib>

namespace herald::http {
namespace {

// Splits "/a/b/c" into {"a","b","c"}; "/" gives {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

bool IsParam(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

bool IsRest(std::string_view seg) {
  return IsParam(seg) && seg.size() > 5 && seg.substr(seg.size() - 4) == "...}";
}

std::string ParamName(std::string_view seg) {
  seg = seg.substr(1, seg.size() - 2);
  if (seg.size() >= 3 && seg.substr(seg.size() - 3) == "...") seg.remove_suffix(3);
  return std::string(seg);
}

[[noreturn]] void BadPattern(const std::string& pattern, const char* why) {
  std::fprintf(stderr, "herald_http: bad route pattern '%s': %s\n", pattern.c_str(), why);
  std::abort();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Matches `segs` against `route`; fills `params` on success.
bool MatchRoute(const Router::Route& route, const std::vector<std::string_view>& segs,
                std::string_view raw_path,
                std::vector<std::pair<std::string, std::string>>* params) {
  const auto& pat = route.segments;
  params->clear();
  for (size_t i = 0; i < pat.size(); ++i) {
    if (IsRest(pat[i])) {
      // The rest of the raw path after the preceding segments, decoded as a whole.
      size_t offset = 1;
      for (size_t k = 0; k < i && k < segs.size(); ++k) offset += segs[k].size() + 1;
      std::string_view rest =
          offset <= raw_path.size() ? raw_path.substr(offset) : std::string_view{};
      if (i > segs.size()) return false;
      params->emplace_back(ParamName(pat[i]), PercentDecode(rest));
      return true;
    }
    if (i >= segs.size()) return false;
    if (IsParam(pat[i])) {
      if (segs[i].empty()) return false;
      params->emplace_back(ParamName(pat[i]), PercentDecode(segs[i]));
    } else if (pat[i] != segs[i]) {
      return false;
    }
  }
  return pat.size() == segs.size();
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(PercentDecode(part, true), std::string());
    } else {
      out.emplace_back(PercentDecode(part.substr(0, eq), true),
                       PercentDecode(part.substr(eq + 1), true));
    }
  }
  return out;
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') BadPattern(pattern, "must start with '/'");
  Route route;
  route.method = std::move(method);
  for (std::string_view seg : SplitPath(pattern)) {
    bool has_brace = seg.find('{') != std::string_view::npos ||
                     seg.find('}') != std::string_view::npos;
    if (has_brace && !IsParam(seg)) BadPattern(pattern, "a parameter must be a whole segment");
    if (IsParam(seg) && ParamName(seg).empty()) BadPattern(pattern, "empty parameter name");
    if (!route.segments.empty() && IsRest(route.segments.back())) {
      BadPattern(pattern, "{name...} must be the last segment");
    }
    if (!IsParam(seg)) ++route.literal_count;
    route.segments.emplace_back(seg);
  }
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.options = options;
  if (route.literal_count == static_cast<int>(route.segments.size())) {
    exact_[route.pattern].push_back(routes_.size());
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view raw_path) const {
  // A literal route has the most literal segments a path can match: when one fits the method,
  // no parameterized route can beat it.
  if (auto it = exact_.find(raw_path); it != exact_.end()) {
    for (size_t index : it->second) {
      const Route& route = routes_[index];
      if (route.method == method || route.method == "*") {
        Match m;
        m.route = &route;
        return m;
      }
    }
  }
  Match best;
  std::vector<std::string_view> segs = SplitPath(raw_path);
  std::vector<std::pair<std::string, std::string>> params;
  int best_score = -1;
  bool known = false;  // a route that is not any_path matches the path
  for (const Route& route : routes_) {
    if (!MatchRoute(route, segs, raw_path, &params)) continue;
    if (!route.options.any_path) known = true;
    if (route.method != "*" && route.method != method) {
      if (best.allow.find(route.method) == std::string::npos) {
        if (!best.allow.empty()) best.allow += ", ";
        best.allow += route.method;
      }
      continue;
    }
    if (route.literal_count > best_score) {
      best_score = route.literal_count;
      best.route = &route;
      best.params = params;
    }
  }
  if (best.route != nullptr || !known) best.allow.clear();
  return best;
}

}  // namespace herald::http
