// McpOAuthServer: clients (registration, metadata documents), the authorization request, codes
// and access-token verification. The token and revocation endpoints are in
// mcp_oauth_tokens.cpp.
#include "core/mcp_oauth_server.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "base/crypto.h"
#include "base/json.h"
#include "platforms/http/url_policy.h"

namespace herald::core {
namespace {

constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxRedirectUris = 20;
constexpr size_t kMaxUriLength = 2000;
constexpr size_t kMaxDocumentBytes = 64 * 1024;
// Longer than any code or token herald makes; anything longer is refused before hashing.
constexpr size_t kMaxTokenLength = 128;

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

// Ok for a redirect URI a client may register: absolute, no fragment, not javascript:/data:,
// and http:// only to loopback.
base::Result<void> CheckRedirectUri(std::string_view uri) {
  if (uri.empty() || uri.size() > kMaxUriLength) {
    return base::InvalidArgument("redirect_uris: each must be a URI of at most 2000 characters");
  }
  if (std::any_of(uri.begin(), uri.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) == 0x7f;
      })) {
    return base::InvalidArgument(
        "redirect_uris: a redirect URI must not contain spaces or "
        "control characters");
  }
  auto parsed = platforms::http::ParseUrl(uri, "redirect_uri");
  if (!parsed.ok()) {
    // Native apps register private-use schemes (com.example.app:/callback); allow a scheme and
    // a path without a host.
    size_t colon = uri.find(':');
    std::string_view scheme = uri.substr(0, colon);
    bool scheme_ok =
        colon != std::string_view::npos && colon > 0 &&
        std::all_of(scheme.begin(), scheme.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-';
        });
    if (!scheme_ok || uri.find('#') != std::string_view::npos) {
      return base::InvalidArgument("redirect_uris: '" + std::string(uri.substr(0, 100)) +
                                   "' is not an absolute URI");
    }
    std::string lower(scheme);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "javascript" || lower == "data" || lower == "file" || lower == "http" ||
        lower == "https") {
      return base::InvalidArgument("redirect_uris: '" + std::string(uri.substr(0, 100)) +
                                   "' is not allowed");
    }
    return base::Ok();
  }
  if (parsed->has_fragment) {
    return base::InvalidArgument("redirect_uris: a redirect URI must not have a fragment");
  }
  if (parsed->has_userinfo) {
    return base::InvalidArgument(
        "redirect_uris: a redirect URI must not carry a user name or "
        "password");
  }
  if (parsed->scheme == "http" && !IsLoopbackHost(parsed->host)) {
    return base::InvalidArgument(
        "redirect_uris: http:// is allowed only to a loopback address (127.0.0.1, [::1], "
        "localhost); use https://");
  }
  if (parsed->scheme == "javascript" || parsed->scheme == "data" || parsed->scheme == "file") {
    return base::InvalidArgument("redirect_uris: scheme '" + parsed->scheme + "' is not allowed");
  }
  return base::Ok();
}

bool LooksLikeUrl(std::string_view client_id) {
  return client_id.rfind("https://", 0) == 0 || client_id.rfind("http://", 0) == 0;
}

std::string TrimSlash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string_view OAuthErrorName(const base::Error& error) {
  switch (error.code()) {
    case base::ErrorCode::kInvalidArgument:
      return "invalid_request";
    case base::ErrorCode::kUnauthenticated:
      return "invalid_client";
    case base::ErrorCode::kFailedPrecondition:
      return "invalid_grant";
    case base::ErrorCode::kUnimplemented:
      return "unsupported_grant_type";
    case base::ErrorCode::kPermissionDenied:
      return "invalid_target";
    case base::ErrorCode::kUnavailable:
      return "temporarily_unavailable";
    default:
      return "server_error";
  }
}

bool RedirectUriMatches(std::string_view registered, std::string_view candidate) {
  if (registered == candidate) return true;
  auto a = platforms::http::ParseUrl(registered, "redirect_uri");
  auto b = platforms::http::ParseUrl(candidate, "redirect_uri");
  if (!a.ok() || !b.ok()) return false;
  if (a->scheme != "http" || b->scheme != "http") return false;
  if (!IsLoopbackHost(a->host) || a->host != b->host) return false;
  return a->path == b->path && a->query == b->query && !a->has_fragment && !b->has_fragment &&
         !a->has_userinfo && !b->has_userinfo;
}

McpOAuthServer::McpOAuthServer(store::Store& store, platforms::HttpClient* http,
                               base::asio::thread_pool& pool, const base::Clock& clock,
                               McpOAuthOptions options)
    : store_(store), http_(http), pool_(pool), clock_(clock), options_(options) {}

base::Result<RegisteredClient> McpOAuthServer::Register(const ClientRegistration& registration) {
  if (registration.redirect_uris.empty()) {
    return base::InvalidArgument("redirect_uris: at least one redirect URI is required");
  }
  if (registration.redirect_uris.size() > kMaxRedirectUris) {
    return base::InvalidArgument("redirect_uris: at most 20");
  }
  for (const auto& uri : registration.redirect_uris) {
    HERALD_RETURN_IF_ERROR(CheckRedirectUri(uri));
  }
  if (registration.client_name.size() > kMaxNameLength) {
    return base::InvalidArgument("client_name: at most 200 characters");
  }
  std::string method = registration.token_endpoint_auth_method.empty()
                           ? "client_secret_basic"
                           : registration.token_endpoint_auth_method;
  if (method != "none" && method != "client_secret_basic" && method != "client_secret_post") {
    return base::InvalidArgument(
        "token_endpoint_auth_method: must be none, client_secret_basic or client_secret_post");
  }
  RegisteredClient out;
  out.issued_at = clock_.Now();
  out.token_endpoint_auth_method = method;
  store::OAuthClient row;
  row.client_id = std::string(kOAuthClientPrefix) + base::RandomToken().substr(0, 24);
  row.client_name = registration.client_name;
  row.redirect_uris = registration.redirect_uris;
  row.created_at = out.issued_at;
  if (method != "none") {
    out.client_secret = std::string(kOAuthSecretPrefix) + base::RandomToken();
    row.secret_hash = base::Sha256Hex(out.client_secret);
  }
  HERALD_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) { return tx.InsertOAuthClient(row); }));
  out.client = McpOAuthClient{.client_id = row.client_id,
                              .client_name = row.client_name,
                              .redirect_uris = row.redirect_uris,
                              .confidential = !row.secret_hash.empty(),
                              .metadata_document = false,
                              .secret_hash = row.secret_hash};
  return out;
}

base::Task<base::Result<McpOAuthClient>> McpOAuthServer::ResolveClient(std::string client_id) {
  if (client_id.empty() || client_id.size() > kMaxUriLength) {
    co_return base::NotFound("unknown client_id");
  }
  if (LooksLikeUrl(client_id)) co_return co_await FetchMetadataDocument(std::move(client_id));
  store::Store* db = &store_;
  auto read = [db, client_id]() -> base::Result<store::OAuthClient> {
    store::OAuthClient c;
    HERALD_RETURN_IF_ERROR(db->Read([&](store::Tx& tx) -> base::Result<void> {
      HERALD_ASSIGN_OR_RETURN(c, tx.GetOAuthClient(client_id));
      return base::Ok();
    }));
    return c;
  };
  base::Result<store::OAuthClient> row = co_await base::RunBlocking(pool_, std::move(read));
  if (!row.ok()) {
    if (row.error().code() == base::ErrorCode::kNotFound) {
      co_return base::NotFound(
          "unknown client_id: register the client first (POST "
          "/oauth/register) or use a client ID metadata document URL");
    }
    co_return std::move(row).error();
  }
  co_return McpOAuthClient{.client_id = row->client_id,
                           .client_name = row->client_name,
                           .redirect_uris = row->redirect_uris,
                           .confidential = !row->secret_hash.empty(),
                           .metadata_document = false,
                           .secret_hash = row->secret_hash};
}

base::Task<base::Result<McpOAuthClient>> McpOAuthServer::FetchMetadataDocument(std::string url) {
  auto parsed = platforms::http::ParseUrl(url, "client_id");
  if (!parsed.ok()) co_return parsed.error();
  if (parsed->path.empty() || parsed->path == "/" || parsed->has_fragment || parsed->has_userinfo) {
    co_return base::InvalidArgument(
        "client_id: a client ID metadata document URL needs a path and no fragment or user info");
  }
  const bool loopback_http = parsed->scheme == "http" && IsLoopbackHost(parsed->host);
  if (parsed->scheme != "https" && !(loopback_http && options_.allow_private_networks)) {
    co_return base::InvalidArgument("client_id: a client ID metadata document URL must be https");
  }
  HERALD_CO_RETURN_IF_ERROR(
      platforms::http::CheckUserUrl("client_id", url, options_.allow_private_networks));
  if (http_ == nullptr) {
    co_return base::InvalidArgument("client_id: client ID metadata documents are not supported");
  }
  platforms::HttpRequest request;
  request.url = url;
  request.headers.emplace_back("Accept", "application/json");
  request.connect_timeout = std::chrono::seconds(5);
  request.total_timeout = std::chrono::seconds(10);
  request.max_response_bytes = kMaxDocumentBytes;
  request.public_addresses_only = !options_.allow_private_networks;
  base::Result<platforms::HttpResponse> response = co_await http_->Send(std::move(request));
  if (!response.ok()) {
    co_return base::InvalidArgument(
        "client_id: the client ID metadata document could not be "
        "fetched (" +
        response.error().message() + ")");
  }
  if (response->status != 200) {
    co_return base::InvalidArgument(
        "client_id: fetching the client ID metadata document "
        "answered HTTP " +
        std::to_string(response->status));
  }
  auto doc = base::ParseJson(response->body);
  if (!doc.ok() || !doc->is_object()) {
    co_return base::InvalidArgument(
        "client_id: the client ID metadata document is not a JSON "
        "object");
  }
  const base::Json& d = *doc;
  if (!d.contains("client_id") || !d["client_id"].is_string() ||
      d["client_id"].get<std::string>() != url) {
    co_return base::InvalidArgument(
        "client_id: the metadata document's client_id must equal its URL");
  }
  McpOAuthClient client;
  client.client_id = url;
  client.metadata_document = true;
  if (d.contains("client_name") && d["client_name"].is_string()) {
    client.client_name = d["client_name"].get<std::string>().substr(0, kMaxNameLength);
  }
  if (d.contains("redirect_uris") && d["redirect_uris"].is_array()) {
    for (const auto& u : d["redirect_uris"]) {
      if (u.is_string() && CheckRedirectUri(u.get<std::string>()).ok()) {
        client.redirect_uris.push_back(u.get<std::string>());
      }
    }
  }
  if (client.redirect_uris.empty()) {
    co_return base::InvalidArgument(
        "client_id: the metadata document lists no usable redirect_uris");
  }
  const bool public_client =
      !d.contains("token_endpoint_auth_method") || d["token_endpoint_auth_method"] == "none";
  if (!public_client) {
    co_return base::InvalidArgument(
        "client_id: a metadata document client must use token_endpoint_auth_method none");
  }
  co_return client;
}

base::Task<base::Result<CheckedAuthorization>> McpOAuthServer::CheckAuthorization(
    AuthorizationRequest request, std::string resource) {
  if (request.client_id.empty()) co_return base::InvalidArgument("client_id is missing");
  base::Result<McpOAuthClient> client = co_await ResolveClient(request.client_id);
  if (!client.ok()) co_return std::move(client).error();
  if (request.redirect_uri.empty()) {
    if (client->redirect_uris.size() != 1) {
      co_return base::InvalidArgument("redirect_uri is missing");
    }
    request.redirect_uri = client->redirect_uris.front();
  }
  bool registered = std::any_of(
      client->redirect_uris.begin(), client->redirect_uris.end(),
      [&](const std::string& r) { return RedirectUriMatches(r, request.redirect_uri); });
  if (!registered) {
    co_return base::InvalidArgument("redirect_uri is not one the client registered");
  }
  CheckedAuthorization out;
  out.client = std::move(client).value();
  auto fail = [&](std::string error, std::string description) {
    out.redirect_error =
        CheckedAuthorization::RedirectError{std::move(error), std::move(description)};
  };
  if (request.response_type != "code") {
    fail("unsupported_response_type", "response_type must be code");
  } else if (request.code_challenge.empty()) {
    fail("invalid_request", "PKCE is required: send code_challenge with method S256");
  } else if (request.code_challenge_method != "S256") {
    fail("invalid_request", "code_challenge_method must be S256");
  } else if (request.code_challenge.size() < 43 || request.code_challenge.size() > 128) {
    fail("invalid_request", "code_challenge must be 43 to 128 characters");
  } else if (!request.resource.empty() && TrimSlash(request.resource) != TrimSlash(resource)) {
    fail("invalid_target", "resource must be this server's MCP URL, " + resource);
  }
  request.resource = resource;
  out.request = std::move(request);
  co_return out;
}

base::Result<std::string> McpOAuthServer::Authorize(const CheckedAuthorization& checked,
                                                    const base::Caller& consenting,
                                                    base::Role role) {
  if (checked.redirect_error) return base::InvalidArgument("the request was refused");
  if (consenting.key_id.empty()) {
    return base::PermissionDenied("sign in with an API key to authorize a client");
  }
  const base::Time now = clock_.Now();
  std::string code = std::string(kOAuthCodePrefix) + base::RandomToken();
  store::OAuthCode row;
  row.code_hash = base::Sha256Hex(code);
  row.client_id = checked.client.client_id;
  row.redirect_uri = checked.request.redirect_uri;
  row.code_challenge = checked.request.code_challenge;
  row.resource = checked.request.resource;
  row.scope = checked.request.scope;
  row.org_id = consenting.org_id;
  row.key_id = consenting.key_id;
  row.role = base::RoleAllows(consenting.role, role) ? role : consenting.role;
  row.family_id = "fam_" + base::RandomToken().substr(0, 22);
  row.created_at = now;
  row.expires_at = now + options_.code_ttl;
  store::AuditEntry audit;
  audit.org_id = consenting.org_id;
  audit.actor = consenting.actor();
  audit.action = "oauth.authorize";
  audit.subject = checked.client.client_id;
  audit.detail = base::Json{{"client_name", checked.client.client_name},
                            {"role", std::string(base::RoleName(row.role))}};
  audit.at = now;
  base::Result<void> written = store_.Write([&](store::Tx& tx) -> base::Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertOAuthCode(row));
    return tx.AppendAudit(audit);
  });
  if (!written.ok()) return std::move(written).error();
  return code;
}

base::Result<base::Caller> McpOAuthServer::VerifyAccessToken(
    std::string_view token, const std::function<bool(std::string_view)>& accepts_resource) {
  auto invalid = [] { return base::Unauthenticated("invalid or expired access token"); };
  if (token.rfind(kOAuthAccessPrefix, 0) != 0 || token.size() > kMaxTokenLength) return invalid();
  const std::string hash = base::Sha256Hex(token);
  store::OAuthToken row;
  store::ApiKey key;
  base::Result<void> read = store_.Read([&](store::Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(row, tx.GetOAuthToken(hash));
    HERALD_ASSIGN_OR_RETURN(key, tx.GetApiKey(row.key_id));
    return base::Ok();
  });
  if (!read.ok()) {
    if (read.error().code() == base::ErrorCode::kNotFound) return invalid();
    return std::move(read).error();
  }
  if (row.kind != store::OAuthTokenKind::kAccess || row.revoked_at ||
      row.expires_at <= clock_.Now() || !base::ConstantTimeEqual(row.token_hash, hash)) {
    return invalid();
  }
  if (accepts_resource && !accepts_resource(row.resource)) {
    return base::Unauthenticated("the access token was issued for another resource");
  }
  if (key.revoked_at)
    return base::Unauthenticated("the API key that authorized this token was revoked");
  base::Role role = base::RoleAllows(key.role, row.role) ? row.role : key.role;
  return base::Caller{row.org_id, row.key_id, role};
}

base::Result<int> McpOAuthServer::Prune() {
  const base::Time cutoff = clock_.Now() - std::chrono::hours(24);
  int pruned = 0;
  HERALD_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(pruned, tx.DeleteExpiredOAuthGrants(cutoff));
    return base::Ok();
  }));
  return pruned;
}

}  // namespace herald::core
