// HTTP message vocabulary for herald_http: case-insensitive Headers, the Request a handler
// receives and the Response it returns.
//
// These are plain values (no Beast types), safe to copy and move between threads; they are not
// internally synchronized. A Response either carries a complete body, or hands the connection
// to an SseWriter (a streaming text/event-stream answer), or asks the server to drop the
// connection without answering.
#ifndef HERALD_MCP_HTTP_HTTP_MESSAGE_H_
#define HERALD_MCP_HTTP_HTTP_MESSAGE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::http {

class SseWriter;

// ASCII case-insensitive equality, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// An ordered list of header fields with case-insensitive names. Small (tens of entries), so
// lookups are linear.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // The value of the first field named `name`, or nullopt. The view is valid until the next
  // change to this object.
  std::optional<std::string_view> Get(std::string_view name) const;
  // The first value of `name`, or `fallback` when absent.
  std::string GetOr(std::string_view name, std::string_view fallback = {}) const;
  // Every value of `name`, in order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  // Replaces every field named `name` with one field.
  void Set(std::string_view name, std::string_view value);
  // Appends a field (repeated names are kept, e.g. Set-Cookie).
  void Add(std::string_view name, std::string_view value);
  // Removes every field named `name`.
  void Remove(std::string_view name);

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

// One parsed HTTP request. The server fills every field before calling the handler.
struct Request {
  std::string method;          // "GET", "POST", ... as sent (upper case by convention)
  std::string target;          // the request-target as sent: "/api/v1/posts?limit=10"
  std::string path;            // the target's path, percent-decoded: "/api/v1/posts"
  std::string query;           // the raw query string without '?', or ""
  std::vector<std::pair<std::string, std::string>> query_params;  // decoded, in order
  std::vector<std::pair<std::string, std::string>> path_params;   // from the route, decoded
  Headers headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1:54321" or "[::1]:54321"
  std::string route;           // the matched route pattern ("/api/v1/posts/{id}"), or ""
  int version = 11;            // 10 for HTTP/1.0, 11 for HTTP/1.1

  // The first query parameter named `name` (case-sensitive), or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
  // The path parameter `name` captured by the route ("" when the route has none).
  std::string_view PathParam(std::string_view name) const;
  // Header shorthand: the first value of `name`, or "".
  std::string_view Header(std::string_view name) const {
    return headers.Get(name).value_or(std::string_view{});
  }
};

// What a handler answers.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // When set, the server sends `status` + `headers` with Content-Type text/event-stream and then
  // streams whatever the writer produces until it is closed (see sse_writer.h). `body` is
  // ignored.
  std::shared_ptr<SseWriter> sse;
  // When true, the server closes the connection without writing anything (emulators use this
  // to simulate "the request was accepted but the answer was lost").
  bool drop = false;
  // When true, the server closes the connection after this response (Connection: close).
  bool close = false;

  // A body with Content-Type `content_type`.
  static Response With(int status, std::string content_type, std::string body);
  // Content-Type application/json; `json` must already be serialized.
  static Response Json(int status, std::string json);
  // Content-Type text/plain; charset=utf-8.
  static Response Text(int status, std::string text);
  // No body (e.g. 202, 204).
  static Response Empty(int status);
  // Streams `writer` (see `sse` above).
  static Response Stream(std::shared_ptr<SseWriter> writer, int status = 200);
  // Closes the connection without answering.
  static Response Drop();
};

// The standard reason phrase of `status` ("Not Found"), or "" for an unknown code.
std::string_view StatusReason(int status);

}  // namespace herald::http

#endif  // HERALD_MCP_HTTP_HTTP_MESSAGE_H_
