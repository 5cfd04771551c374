#include "tests/emulators/common/emulator_client.h"

#include <strings.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/dynamic_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace herald::emulators {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string RawResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

Json RawResponse::JsonBody() const {
  auto parsed = base::ParseJson(body);
  return parsed.ok() ? *parsed : Json();
}

EmulatorClient::EmulatorClient(std::string base_url, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  std::string_view rest = base_url;
  if (rest.rfind("http://", 0) == 0) rest.remove_prefix(7);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const size_t colon = rest.rfind(':');
  host_ = std::string(rest.substr(0, colon));
  port_ = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
}

base::Result<RawResponse> EmulatorClient::Send(
    std::string_view method, std::string_view path_and_query,
    std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), path_and_query, 11};
  req.set(bhttp::field::host, host_ + ":" + port_);
  req.set(bhttp::field::connection, "close");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();

  beast::error_code connect_error, write_error, read_error;
  bool written = false;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 << 20);
  asio::ip::tcp::resolver resolver(ioc);
  beast::error_code resolve_error;
  auto endpoints = resolver.resolve(host_, port_, resolve_error);
  if (resolve_error) return base::Unavailable("cannot resolve " + host_, resolve_error.message());
  stream.expires_after(timeout_);
  stream.async_connect(endpoints, [&](beast::error_code ec, const auto&) {
    connect_error = ec;
    if (ec) return;
    bhttp::async_write(stream, req, [&](beast::error_code wec, size_t) {
      write_error = wec;
      if (wec) return;
      written = true;
      bhttp::async_read(stream, buffer, parser,
                        [&](beast::error_code rec, size_t) { read_error = rec; });
    });
  });
  ioc.run();
  if (connect_error)
    return base::Unavailable("cannot connect to the emulator", connect_error.message());
  if (write_error) return base::Unknown("the request could not be written", write_error.message());
  if (read_error) {
    return base::Unknown(written ? "the connection closed without an answer" : "the request failed",
                         read_error.message());
  }
  RawResponse out;
  const auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = res.body();
  return out;
}

base::Result<Json> EmulatorClient::ControlCall(std::string_view method, std::string path,
                                               const Json& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload;
  if (!body.is_null()) {
    headers.emplace_back("Content-Type", "application/json");
    payload = base::DumpJson(body);
  }
  HERALD_ASSIGN_OR_RETURN(RawResponse res, Send(method, path, headers, payload));
  Json parsed = res.JsonBody();
  if (res.status != 200) {
    return base::FailedPrecondition("emulator control " + std::string(method) + " " + path +
                                    " answered " + std::to_string(res.status) + ": " +
                                    base::GetString(parsed, "error", res.body));
  }
  return parsed;
}

base::Result<std::string> EmulatorClient::ArmFault(const Json& fault) {
  HERALD_ASSIGN_OR_RETURN(Json r, ControlCall("POST", "/__emulator/faults", fault));
  return base::GetString(r, "id");
}

base::Result<void> EmulatorClient::ClearFaults() {
  HERALD_ASSIGN_OR_RETURN(Json r, ControlCall("DELETE", "/__emulator/faults", Json()));
  return base::Ok();
}

base::Result<Json> EmulatorClient::Posts() {
  HERALD_ASSIGN_OR_RETURN(Json r, ControlCall("GET", "/__emulator/posts", Json()));
  return r.value("posts", Json::array());
}

base::Result<Json> EmulatorClient::Requests() {
  HERALD_ASSIGN_OR_RETURN(Json r, ControlCall("GET", "/__emulator/requests", Json()));
  return r.value("requests", Json::array());
}

base::Result<Json> EmulatorClient::Info() { return ControlCall("GET", "/__emulator/info", Json()); }

base::Result<void> EmulatorClient::Reset() {
  HERALD_ASSIGN_OR_RETURN(Json r, ControlCall("POST", "/__emulator/reset", Json()));
  return base::Ok();
}

base::Result<Json> EmulatorClient::CreateToken(const Json& args) {
  return ControlCall("POST", "/__emulator/tokens", args);
}

base::Result<void> EmulatorClient::RevokeToken(std::string_view token) {
  HERALD_ASSIGN_OR_RETURN(Json r,
                          ControlCall("DELETE", "/__emulator/tokens/" + UrlEncode(token), Json()));
  return base::Ok();
}

base::Result<void> EmulatorClient::ExpireTokens(std::string_view token) {
  Json body = Json::object();
  if (!token.empty()) body["token"] = std::string(token);
  HERALD_ASSIGN_OR_RETURN(Json r, ControlCall("POST", "/__emulator/tokens/expire", body));
  return base::Ok();
}

base::Result<Json> EmulatorClient::SetConfig(const Json& patch) {
  return ControlCall("POST", "/__emulator/config", patch);
}

base::Result<Json> EmulatorClient::SetMetrics(std::string_view post_id, const Json& metrics) {
  return ControlCall("POST", "/__emulator/posts/" + UrlEncode(post_id) + "/metrics", metrics);
}

base::Result<Json> EmulatorClient::Control(std::string_view network, std::string_view action,
                                           const Json& body) {
  return ControlCall("POST", "/__emulator/" + std::string(network) + "/" + std::string(action),
                     body);
}

}  // namespace herald::emulators
