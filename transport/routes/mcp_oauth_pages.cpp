#include "transport/routes/mcp_oauth_pages.h"

#include <array>

#include "transport/console/html.h"

namespace herald::transport {
namespace {

std::string Hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + HtmlEscape(value) +
         "\">";
}

}  // namespace

std::string RedirectHost(std::string_view uri) {
  size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return std::string(uri.substr(0, uri.find(':')));
  std::string_view rest = uri.substr(scheme + 3);
  size_t end = rest.find_first_of("/?#");
  return std::string(rest.substr(0, end));
}

std::string ConsentPage(const ConsentView& view) {
  const core::AuthorizationRequest& r = view.checked.request;
  const core::McpOAuthClient& client = view.checked.client;
  std::string name = client.client_name.empty() ? client.client_id : client.client_name;
  std::string body =
      "<section class=\"card narrow\"><h1>Allow " + HtmlEscape(name) + " to use herald?</h1>";
  if (!view.notice.empty()) {
    body += "<p class=\"notice error\" role=\"alert\">" + HtmlEscape(view.notice) + "</p>";
  }
  body += "<p>The MCP client <strong>" + HtmlEscape(name) + "</strong> (client id <code>" +
          HtmlEscape(client.client_id) +
          "</code>) asks to act for you in herald. If you allow "
          "it, you will be sent back to <strong>" +
          HtmlEscape(RedirectHost(r.redirect_uri)) +
          "</strong> and the client may call herald's tools with the role you choose, until "
          "you revoke its access or the key below.</p>";
  if (client.metadata_document) {
    body +=
        "<p class=\"hint\">This client describes itself at the address above; herald "
        "cannot vouch for its name.</p>";
  }
  body += "<form method=\"post\" action=\"/oauth/authorize\" class=\"stack\">" +
          Hidden("csrf_token", view.csrf_token) + Hidden("response_type", r.response_type) +
          Hidden("client_id", r.client_id) + Hidden("redirect_uri", r.redirect_uri) +
          Hidden("code_challenge", r.code_challenge) +
          Hidden("code_challenge_method", r.code_challenge_method) + Hidden("state", r.state) +
          Hidden("resource", r.resource) + Hidden("scope", r.scope);
  if (view.signed_in) {
    body += "<p>Signed in to the console with key <code>" + HtmlEscape(view.signed_in->key_id) +
            "</code> (" + std::string(base::RoleName(view.signed_in->role)) + ").</p>";
  } else {
    body +=
        "<label for=\"api_key\">API key</label>"
        "<input id=\"api_key\" name=\"api_key\" type=\"password\" autocomplete=\"off\" "
        "spellcheck=\"false\" placeholder=\"hk_…\">"
        "<p class=\"hint\">The key decides the organization; it is not given to the client. "
        "The client gets its own token, never more than the key's role.</p>";
  }
  static constexpr std::array<base::Role, 4> kRoles{base::Role::kViewer, base::Role::kEditor,
                                                    base::Role::kApprover, base::Role::kAdmin};
  base::Role top = view.signed_in ? view.signed_in->role : base::Role::kAdmin;
  body += "<label for=\"role\">Role to grant</label><select id=\"role\" name=\"role\">";
  for (base::Role role : kRoles) {
    if (!base::RoleAllows(top, role)) continue;
    std::string n(base::RoleName(role));
    body += "<option value=\"" + n + "\"" + (role == base::Role::kEditor ? " selected" : "") + ">" +
            n + "</option>";
  }
  body +=
      "</select><div class=\"actions\">"
      "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>"
      "<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny"
      "</button></div></form></section>";
  return RenderPage(PageFrame{"Authorize a client", "", "", ""}, body);
}

std::string AuthorizationErrorPage(std::string_view message) {
  std::string body =
      "<section class=\"card narrow\"><h1>This authorization request cannot be used</h1>"
      "<p class=\"notice error\" role=\"alert\">" +
      HtmlEscape(message) +
      "</p><p>Go back to the application that sent you here and try connecting again.</p>"
      "</section>";
  return RenderPage(PageFrame{"Authorization failed", "", "", ""}, body);
}

}  // namespace herald::transport
