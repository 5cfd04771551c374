#include "media/aws_sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "base/crypto.h"

namespace herald::media {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Leading and trailing spaces removed, inner runs of spaces collapsed to one (SigV4 header
// values).
std::string TrimAll(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Lower-case name -> value (values of a repeated name joined by ','), sorted by name.
using CanonicalHeaders = std::map<std::string, std::string>;

std::string CanonicalRequestOf(std::string_view method, const std::string& canonical_uri,
                               const std::string& canonical_query,
                               const CanonicalHeaders& headers, std::string_view payload,
                               std::string* signed_headers) {
  std::string request;
  request.append(method).append("\n");
  request.append(canonical_uri).append("\n");
  request.append(canonical_query).append("\n");
  std::string names;
  for (const auto& [name, value] : headers) {
    request.append(name).append(":").append(value).append("\n");
    if (!names.empty()) names.push_back(';');
    names.append(name);
  }
  request.append("\n").append(names).append("\n").append(payload);
  if (signed_headers != nullptr) *signed_headers = std::move(names);
  return request;
}

}  // namespace

std::string AwsUriEncode(std::string_view text, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view path) {
  if (path.empty()) return "/";
  std::string uri = AwsUriEncode(path, /*encode_slash=*/false);
  if (uri.front() != '/') uri.insert(uri.begin(), '/');
  return uri;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(AwsUriEncode(name, true), AwsUriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

std::string AmzDate(base::Time t) {
  std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

SigV4Signer::SigV4Signer(AwsCredentials credentials, const base::Clock& clock)
    : credentials_(std::move(credentials)), clock_(clock) {}

std::string SigV4Signer::Scope(std::string_view amz_date) const {
  std::string scope(amz_date.substr(0, 8));
  scope.append("/").append(credentials_.region).append("/").append(credentials_.service);
  scope.append("/aws4_request");
  return scope;
}

std::string SigV4Signer::Signature(std::string_view amz_date,
                                   std::string_view string_to_sign) const {
  std::string key = base::HmacSha256("AWS4" + credentials_.secret_access_key, amz_date.substr(0, 8));
  key = base::HmacSha256(key, credentials_.region);
  key = base::HmacSha256(key, credentials_.service);
  key = base::HmacSha256(key, "aws4_request");
  return base::HexEncode(base::HmacSha256(key, string_to_sign));
}

std::string SigV4Signer::CanonicalRequest(const SigV4Request& request,
                                          std::string_view amz_date,
                                          std::string* signed_headers) const {
  CanonicalHeaders headers;
  for (const auto& [name, value] : request.headers) {
    std::string n = Lower(name);
    if (n == "host" || n == "x-amz-date" || n == "x-amz-content-sha256" || n == "authorization") {
      continue;  // set below, or never signed
    }
    auto [it, inserted] = headers.emplace(n, TrimAll(value));
    if (!inserted) it->second.append(",").append(TrimAll(value));
  }
  headers["host"] = Lower(request.host);
  headers["x-amz-content-sha256"] = request.payload_sha256;
  headers["x-amz-date"] = std::string(amz_date);
  return CanonicalRequestOf(request.method, CanonicalUri(request.path),
                            CanonicalQuery(request.query), headers, request.payload_sha256,
                            signed_headers);
}

std::string SigV4Signer::StringToSign(std::string_view canonical_request,
                                      std::string_view amz_date) const {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(Scope(amz_date)).append("\n");
  out.append(base::Sha256Hex(canonical_request));
  return out;
}

platforms::HttpHeaders SigV4Signer::Sign(const SigV4Request& request) const {
  std::string amz_date = AmzDate(clock_.Now());
  std::string signed_headers;
  std::string canonical = CanonicalRequest(request, amz_date, &signed_headers);
  std::string signature = Signature(amz_date, StringToSign(canonical, amz_date));
  std::string authorization(kAlgorithm);
  authorization.append(" Credential=").append(credentials_.access_key_id).append("/");
  authorization.append(Scope(amz_date)).append(",SignedHeaders=").append(signed_headers);
  authorization.append(",Signature=").append(signature);
  return {{"x-amz-date", amz_date},
          {"x-amz-content-sha256", request.payload_sha256},
          {"Authorization", std::move(authorization)}};
}

base::Result<std::string> SigV4Signer::Presign(std::string_view scheme,
                                               const SigV4Request& request,
                                               std::chrono::seconds expires_in) const {
  if (expires_in < std::chrono::seconds(1) || expires_in > kMaxPresignExpiry) {
    return base::InvalidArgument(
        "a presigned S3 URL must expire between 1 second and 7 days (604800 seconds) from now; "
        "asked for " + std::to_string(expires_in.count()) + " seconds");
  }
  std::string amz_date = AmzDate(clock_.Now());
  auto query = request.query;
  query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  query.emplace_back("X-Amz-Credential", credentials_.access_key_id + "/" + Scope(amz_date));
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_in.count()));
  query.emplace_back("X-Amz-SignedHeaders", "host");
  std::string canonical_query = CanonicalQuery(query);
  std::string canonical_uri = CanonicalUri(request.path);
  CanonicalHeaders headers{{"host", Lower(request.host)}};
  std::string canonical = CanonicalRequestOf(request.method, canonical_uri, canonical_query,
                                             headers, kUnsignedPayload, nullptr);
  std::string signature = Signature(amz_date, StringToSign(canonical, amz_date));
  std::string url(scheme);
  url.append("://").append(request.host).append(canonical_uri).append("?");
  url.append(canonical_query).append("&X-Amz-Signature=").append(signature);
  return url;
}

}  // namespace herald::media
