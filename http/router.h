// Router: maps (method, path) to a handler coroutine, with path parameters.
//
// Patterns are absolute paths whose segments are literals, "{name}" (one segment, captured
// percent-decoded into Request::path_params) or, as the last segment only, "{name...}" (the rest
// of the path, possibly empty). When several routes match a path, the one with more literal
// segments wins; among equals, the first added. The method "*" matches any method. A known path
// (one a route without RouteOptions::any_path matches) asked with a method no route of it has
// gets 405 with an Allow header listing the methods that match it; any other unmatched request
// goes to the not-found handler (default: 404).
//
// Routes are added before the server starts; after that the router is read-only and may be
// used from any thread.
#ifndef HERALD_HTTP_ROUTER_H_
#define HERALD_HTTP_ROUTER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/async.h"
#include "http/http_message.h"

namespace herald::http {

// A request handler. It runs on the connection's I/O strand and may co_await (timers, other
// coroutines, base::RunBlocking); it must not block the thread. An exception escaping it
// becomes a 500 answer (and is logged). The handler object must outlive the server.
using Handler = std::function<base::Task<Response>(Request)>;

struct RouteOptions {
  // Largest accepted request body for this route; 0 = the server's default body_limit.
  size_t body_limit = 0;
  // A route that answers its method on whatever path it matches (a CORS preflight on
  // "/{path...}") without making those paths known: other methods there get 404, not 405. It
  // is still listed in the Allow of a 405 for a known path.
  bool any_path = false;
  // Hand the handler the body in pieces (Request::body_reader) instead of reading it first:
  // memory stays bounded by stream_chunk whatever the body size; body_limit still applies (413
  // before reading when Content-Length announces more; the reader fails past it).
  bool stream_body = false;
  size_t stream_chunk = 64 * 1024;
};

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // the pattern split on '/'
    Handler handler;
    RouteOptions options;
    int literal_count = 0;
  };

  struct Match {
    const Route* route = nullptr;  // null when no route matched this method + path
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // when route is null and the path is known: its methods, "GET, POST"
  };

  // Adds a route. A malformed pattern (not starting with '/', a "{...}" that is not a whole
  // segment, "{name...}" not last) is a programming error: it aborts with a message.
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  // The handler for requests no route matches (default: a 404 error answer).
  void SetNotFound(Handler handler) { not_found_ = std::move(handler); }
  const Handler& not_found() const { return not_found_; }

  // Finds the route for `method` and the raw (still percent-encoded) `path`.
  Match Find(std::string_view method, std::string_view raw_path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::vector<Route> routes_;
  // Routes without parameters by their exact path (indexes into routes_, in order): the common
  // case is answered without scanning every route.
  std::unordered_map<std::string, std::vector<size_t>, Hash, std::equal_to<>> exact_;
  Handler not_found_;
};

// Percent-decodes `text` ("%2F" -> "/"); with `plus_is_space`, '+' becomes ' ' (query strings).
// Malformed escapes are kept as they are.
std::string PercentDecode(std::string_view text, bool plus_is_space = false);

// Splits a raw query string ("a=1&b=x%20y") into decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace herald::http

#endif  // HERALD_HTTP_ROUTER_H_
