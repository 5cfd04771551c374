#include "http/http_message.h"

#include <algorithm>

#include "http/sse_writer.h"

namespace herald::http {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (EqualsIgnoreCase(this->name(i), name)) return value(i);
  }
  return std::nullopt;
}

std::string Headers::GetOr(std::string_view name, std::string_view fallback) const {
  auto v = Get(name);
  return std::string(v ? *v : fallback);
}

std::vector<std::string_view> Headers::GetAll(std::string_view name) const {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (EqualsIgnoreCase(this->name(i), name)) out.push_back(value(i));
  }
  return out;
}

void Headers::Set(std::string_view name, std::string_view value) {
  Remove(name);
  Add(name, value);
}

void Headers::Add(std::string_view name, std::string_view value) {
  Entry e;
  e.name_off = static_cast<uint32_t>(data_.size());
  e.name_len = static_cast<uint32_t>(name.size());
  data_.append(name);
  e.value_off = static_cast<uint32_t>(data_.size());
  e.value_len = static_cast<uint32_t>(value.size());
  data_.append(value);
  entries_.push_back(e);
}

void Headers::Remove(std::string_view name) {
  std::erase_if(entries_, [&](const Entry& e) {
    return EqualsIgnoreCase(std::string_view(data_).substr(e.name_off, e.name_len), name);
  });
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query_params) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

void Request::StartStream(Response response) const {
  if (streamer) streamer->Start(seq, std::move(response));
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return {};
}

Response Response::With(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

Response Response::Json(int status, std::string json) {
  return With(status, "application/json", std::move(json));
}

Response Response::Text(int status, std::string text) {
  return With(status, "text/plain; charset=utf-8", std::move(text));
}

Response Response::Empty(int status) {
  Response r;
  r.status = status;
  return r;
}

Response Response::Stream(std::shared_ptr<SseWriter> writer, int status) {
  Response r;
  r.status = status;
  r.sse = std::move(writer);
  return r;
}

Response Response::Drop() {
  Response r;
  r.status = 0;
  r.drop = true;
  return r;
}

std::string_view StatusReason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace herald::http
