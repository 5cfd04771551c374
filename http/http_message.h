// HTTP message vocabulary for herald_http: case-insensitive Headers, the Request a handler
// receives and the Response it returns.
//
// These are plain values (no Beast types), safe to copy and move between threads; they are not
// internally synchronized. A Response either carries a complete body, or hands the connection
// to an SseWriter (a streaming text/event-stream answer), or asks the server to drop the
// connection without answering.
#ifndef HERALD_HTTP_HTTP_MESSAGE_H_
#define HERALD_HTTP_HTTP_MESSAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/async.h"
#include "base/result.h"

namespace herald::http {

class SseWriter;
struct Response;

// Lets a handler start its answer as an event stream before it returns (see
// Request::StartStream). Implemented by the server, one per connection.
class StreamStarter {
 public:
  virtual ~StreamStarter() = default;
  virtual void Start(uint64_t request_seq, Response response) = 0;
};

// A body that comes or goes in pieces, never whole in memory: a request body a streaming route
// reads (Request::body_reader, RouteOptions::stream_body), or a response body the server sends
// as the handler produces it (Response::body_stream).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // The next piece, or "" at the end of the body. A request body's reader returns an error
  // when the client closed the connection or stalled before the body was complete
  // (kUnavailable), the body exceeds the route's limit (kResourceExhausted) or is malformed
  // (kInvalidArgument), or the request is already answered (kFailedPrecondition); the body
  // ends there. A response source's error ends the answer early (the connection is closed).
  virtual base::Task<base::Result<std::string>> Read() = 0;
};

// ASCII case-insensitive equality, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// An ordered list of header fields with case-insensitive names. Small (tens of entries), so
// lookups are linear; names and values live in one buffer (two allocations per object, not two
// per field).
class Headers {
 public:
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

  // Room for `n` fields of `bytes` characters in all (saves re-allocations when known).
  void Reserve(size_t n, size_t bytes = 0) {
    entries_.reserve(n);
    data_.reserve(bytes);
  }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::string_view name(size_t i) const {
    return std::string_view(data_).substr(entries_[i].name_off, entries_[i].name_len);
  }
  std::string_view value(size_t i) const {
    return std::string_view(data_).substr(entries_[i].value_off, entries_[i].value_len);
  }
  // Calls f(name, value) for every field, in order.
  template <class F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < entries_.size(); ++i) f(name(i), value(i));
  }

 private:
  struct Entry {
    uint32_t name_off, name_len, value_off, value_len;
  };
  std::string data_;
  std::vector<Entry> entries_;
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
  std::string body;             // empty when the route streams the body (body_reader)
  // Set for a route with RouteOptions::stream_body: the body, read piece by piece while the
  // handler runs (valid until it returns; what it leaves unread closes the connection).
  std::shared_ptr<BodyStream> body_reader;
  std::string remote_address;  // "127.0.0.1:54321" or "[::1]:54321"
  std::string route;           // the matched route pattern ("/api/v1/posts/{id}"), or ""
  int version = 11;            // 10 for HTTP/1.0, 11 for HTTP/1.1
  // Set by the server (null in hand-made requests); used by StartStream.
  std::shared_ptr<StreamStarter> streamer;
  uint64_t seq = 0;

  // Starts the answer now as an event stream, while the handler keeps running (e.g. once a
  // long call begins to report progress): `response` is Response::Stream(writer) with its
  // status and headers. Thread-safe: callable from any thread until the handler returns, at
  // most once per request; later calls are ignored. A handler that called it must return
  // Response::Stream with the same writer (its other fields are then ignored); if it throws
  // instead, the stream is aborted.
  void StartStream(Response response) const;

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
  // When set, the body is exactly `content_length` bytes read from the source piece by piece
  // as they are written (`body` is ignored; a HEAD request gets the header only). A source that
  // fails or ends early closes the connection.
  std::shared_ptr<BodyStream> body_stream;
  uint64_t content_length = 0;
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

#endif  // HERALD_HTTP_HTTP_MESSAGE_H_
