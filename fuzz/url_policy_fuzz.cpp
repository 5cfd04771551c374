// libFuzzer target: the outbound URL and address policy (platforms/http/url_policy,
// address_policy), the proxy configuration (HTTPS_PROXY / NO_PROXY) and form encoding.
//
// Input: up to three lines. Line 1 is a URL a user hands herald (CheckUserUrl, both with and
// without private networks allowed) and an HTTPS_PROXY value; line 2 is an IP literal
// (ParseIpLiteral) and a NO_PROXY value; line 3 is a host to ask the proxy configuration about.
// The whole input is also parsed as a form body. Properties checked besides "no crash":
//   - a URL accepted without private networks is accepted with them;
//   - an error never quotes the URL's path, query or fragment (they may hold a token);
//   - loopback addresses are private; an address survives to_string and back;
//   - the proxy is never used for loopback hosts;
//   - form encoding round-trips what form parsing produced.
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platforms/http/address_policy.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http/proxy_config.h"
#include "platforms/http/url_policy.h"

namespace {

namespace ph = herald::platforms::http;

#define FUZZ_CHECK(cond)           \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

std::string_view NextLine(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  return line;
}

void CheckUrl(std::string_view url) {
  auto strict = ph::CheckUserUrl("instance_url", url, /*allow_private_networks=*/false);
  auto lax = ph::CheckUserUrl("instance_url", url, /*allow_private_networks=*/true);
  if (strict.ok()) FUZZ_CHECK(lax.ok());
  // The path, query and fragment may carry a secret: no message may quote them.
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return;
  constexpr std::string_view kSecret = "s3cr3t";
  std::string outside(parsed->scheme());
  outside += parsed->encoded_authority();
  outside += parsed->host_address();  // decoded, as the messages show it
  // The authority as written (up to the first '/', '?' or '#'): a message may quote its port
  // text ("h:80abc"), which Boost.URL itself splits differently.
  if (size_t slashes = url.find("//"); slashes != std::string_view::npos) {
    std::string_view authority = url.substr(slashes + 2);
    outside += authority.substr(0, authority.find_first_of("/?#"));
  }
  // The messages show scheme and host lower-cased.
  for (char& c : outside) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (outside.find(kSecret) != std::string::npos) return;
  for (const auto* r : {&strict, &lax}) {
    if (!r->ok()) FUZZ_CHECK(r->error().message().find(kSecret) == std::string::npos);
  }
}

void CheckAddress(std::string_view text) {
  auto ip = ph::ParseIpLiteral(text);
  if (!ip) return;
  if (ph::IsLoopbackAddress(*ip)) FUZZ_CHECK(ph::IsPrivateAddress(*ip));
  auto again = ph::ParseIpLiteral(ip->to_string());
  FUZZ_CHECK(again && *again == *ip);
  FUZZ_CHECK(ph::IsPrivateAddress(*again) == ph::IsPrivateAddress(*ip));
}

void CheckProxy(std::string_view proxy_url, std::string_view no_proxy, std::string_view host) {
  auto config = ph::ProxyConfig::Parse(proxy_url, no_proxy);
  if (!config.ok() || !config->has_value()) return;
  const ph::ProxyConfig& proxy = **config;
  FUZZ_CHECK(!proxy.host.empty());
  (void)proxy.Applies(host);
  FUZZ_CHECK(!proxy.Applies("127.0.0.1"));
  FUZZ_CHECK(!proxy.Applies("localhost"));
  FUZZ_CHECK(!proxy.Applies("::1"));
}

void CheckForm(std::string_view text) {
  ph::FormFields fields = ph::ParseFormUrlEncoded(text);
  std::string encoded = ph::FormUrlEncode(fields);
  FUZZ_CHECK(ph::ParseFormUrlEncoded(encoded) == fields);
  if (!fields.empty()) FUZZ_CHECK(ph::FormValue(fields, fields.front().first) == fields.front().second);
  std::string url = ph::AppendQuery("https://example.com/p", fields);
  FUZZ_CHECK(url.starts_with("https://example.com/p"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  std::string_view line1 = NextLine(rest);
  std::string_view line2 = NextLine(rest);
  std::string_view line3 = NextLine(rest);
  CheckUrl(line1);
  CheckAddress(line1);
  CheckAddress(line2);
  CheckProxy(line1, line2, line3);
  CheckForm(input);
  return 0;
}
