#include "store/postgres/pg_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <map>

namespace herald::store::postgres {
namespace {

std::string QuoteValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += "'";
  return out;
}

std::string Build(const std::map<std::string, std::string>& options) {
  std::string out;
  for (const auto& [k, v] : options) {
    if (!out.empty()) out += ' ';
    out += k + "=" + QuoteValue(v);
  }
  return out;
}

constexpr std::string_view kExpected =
    "expected postgresql://user:password@host:port/database";

}  // namespace

base::Result<PgUrl> ParsePgUrl(const std::string& url, std::chrono::seconds connect_timeout,
                               const std::string& application_name) {
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
  if (parsed == nullptr) {
    // libpq's message may quote parts of the URL (a password among them): keep it out.
    if (err != nullptr) PQfreemem(err);
    return base::InvalidArgument("malformed PostgreSQL URL; " + std::string(kExpected));
  }
  std::map<std::string, std::string> options;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') options[o->keyword] = o->val;
  }
  PQconninfoFree(parsed);

  PgUrl out;
  out.host = options.count("host") ? options["host"]
             : options.count("hostaddr") ? options["hostaddr"]
                                         : "localhost";
  out.port = options.count("port") ? options["port"] : "5432";
  bool port_ok = !out.port.empty() && out.port.size() <= 5 &&
                 std::all_of(out.port.begin(), out.port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (port_ok) {
    int p = std::stoi(out.port);
    port_ok = p >= 1 && p <= 65535;
  }
  if (!port_ok) {
    return base::InvalidArgument("malformed PostgreSQL URL: port must be a number from 1 to "
                                 "65535; " + std::string(kExpected));
  }
  out.dbname = options.count("dbname") ? options["dbname"]
               : options.count("user") ? options["user"]
                                       : "";
  if (!options.count("connect_timeout")) {
    options["connect_timeout"] = std::to_string(std::max<int64_t>(2, connect_timeout.count()));
  }
  options["application_name"] = application_name;
  if (!options.count("options")) options["options"] = "-c client_min_messages=warning";
  out.conninfo = Build(options);
  return out;
}

std::string WithApplicationName(const PgUrl& url, const std::string& application_name) {
  std::string key = "application_name=";
  std::string out = url.conninfo;
  size_t at = out.find(key);
  if (at == std::string::npos) return out + " " + key + QuoteValue(application_name);
  size_t end = at + key.size();
  // The value is quoted: skip to the closing quote (escapes are backslash-prefixed).
  size_t i = end + 1;
  while (i < out.size() && out[i] != '\'') i += out[i] == '\\' ? 2 : 1;
  return out.substr(0, at) + key + QuoteValue(application_name) + out.substr(i + 1);
}

}  // namespace herald::store::postgres
