#include "platforms/kit/helpers.h"

#include <algorithm>
#include <cctype>

#include "base/clock.h"
#include "platforms/http/address_policy.h"

namespace herald::platforms {

std::string PartField(size_t part, std::string_view field) {
  if (part == 0) return std::string(field);
  return "thread[" + std::to_string(part - 1) + "]." + std::string(field);
}

base::Error InPart(base::Error e, size_t i, size_t n) {
  if (n <= 1) return e;
  base::Error out(
      e.code(),
      "thread part " + std::to_string(i + 1) + " of " + std::to_string(n) + ": " + e.message(),
      e.detail());
  if (e.retry_after()) out.set_retry_after(*e.retry_after());
  return out;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  auto ip = http::ParseIpLiteral(host);
  return ip && http::IsLoopbackAddress(*ip);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

std::string Redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  constexpr std::string_view kMark = "<redacted>";
  size_t pos = 0;
  while ((pos = text.find(secret, pos)) != std::string::npos) {
    text.replace(pos, secret.size(), kMark);
    pos += kMark.size();
  }
  return text;
}

base::Error RedactError(const base::Error& e, std::string_view secret) {
  if (secret.empty()) return e;
  base::Error out(e.code(), Redact(e.message(), secret), Redact(e.detail(), secret));
  if (e.retry_after()) out.set_retry_after(*e.retry_after());
  return out;
}

std::string AccountUsername(const AccountContext& account) {
  std::string name = base::GetString(account.settings, "username");
  if (name.empty()) name = account.handle;
  if (!name.empty() && name.front() == '@') name.erase(0, 1);
  return name;
}

int64_t UnixMillis(base::Time t) { return base::ToUnixMicros(t) / 1000; }

}  // namespace herald::platforms
