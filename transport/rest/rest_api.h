// RestApi: herald's REST surface over the same tools as MCP (same registry, same schema
// validation and messages, same role checks), declared as one table of routes.
//
//   POST   /api/v1/tools/{name}        any tool; the body is its arguments (JSON object)
//   POST   /api/v1/posts               schedule_post (body)                          201
//   GET    /api/v1/posts               list_posts (query parameters)
//   POST   /api/v1/posts/validate      validate_post (body)
//   GET    /api/v1/posts/{id}          get_post
//   PATCH  /api/v1/posts/{id}          update_post (body)
//   DELETE /api/v1/posts/{id}          cancel_post (DELETE cancels; use delete_post through
//                                      /api/v1/tools/delete_post to remove a published post)
//   POST   /api/v1/posts/{id}/retry    retry_post (body optional)
//   GET    /api/v1/accounts            list_accounts (query)
//   POST   /api/v1/accounts            connect_account (body)                        201
//   GET    /api/v1/accounts/{id}       get_account
//   DELETE /api/v1/accounts/{id}       disconnect_account
//   POST   /api/v1/media               upload_media (body; up to 32 MiB)             201
//   GET    /api/v1/platforms           list_platforms
//   GET    /api/v1/analytics/report    analytics_report (query; chart.data carries the PNG as
//                                      base64, or the SVG with chart_format=svg)
//   GET    /api/v1/accounts/{id}/best-time  best_time_to_post (query: timezone)
//   POST   /api/v1/posts/{id}/approve  approve_post; .../reject reject_post (approver)
//   PUT    /api/v1/accounts/{id}/pacing  set_account_pacing (body {"pacing": ...}, admin)
//   PATCH  /api/v1/organization        update_organization_settings (admin)
//   GET|POST /api/v1/keys, PATCH|DELETE /api/v1/keys/{id}: list / create (201) / set role /
//                                      revoke API keys (admin)
//   GET    /api/v1/audit               list_audit_events (query, admin)
//   GET|POST /api/v1/webhooks, DELETE /api/v1/webhooks/{id}, GET /api/v1/webhooks/{id}/
//                                      deliveries: the webhook tools (admin)
//   GET    /api/v1/openapi.json        OpenAPI 3.1, generated from the tools' schemas and this
//                                      table
// {id} becomes the tool's post_id / account_id / key_id / webhook_id argument (whichever its input
// schema has, else "id"). Query parameters are converted to the types the input schema declares
// (integer, number, boolean, array as comma-separated or repeated). Success: the tool's structured
// output as JSON (200, or 201 where marked). Errors:
// {"error":{"code":"<error code name>","message":...}} with 400/401/403/404/409/429/503 (see
// HttpStatusFor); a route whose tool is not registered answers 404 "not available".
// Thread-safe; must outlive the HTTP server.
#ifndef HERALD_TRANSPORT_REST_REST_API_H_
#define HERALD_TRANSPORT_REST_REST_API_H_

#include <atomic>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "base/async.h"
#include "base/caller.h"
#include "base/json.h"
#include "http/http_message.h"
#include "mcp/server/tool_registry.h"

namespace herald::transport {

enum class ArgsFrom { kBody, kQuery };

struct RestRoute {
  std::string_view method;
  std::string_view pattern;
  std::string_view tool;          // "" = the {name} path parameter
  ArgsFrom args = ArgsFrom::kBody;
  std::string_view id_argument;   // what {id} becomes ("post_id"), "" when no {id}
  int success_status = 200;
  std::string_view summary;
  size_t body_limit = 0;          // 0 = the server's default
};

// The declarative route table.
std::span<const RestRoute> RestRoutes();

class RestApi {
 public:
  explicit RestApi(const mcp::ToolRegistry& tools);

  // Serves `route` for an authenticated `caller`.
  base::Task<http::Response> Serve(const RestRoute& route, http::Request req,
                                   base::Caller caller);

  // The OpenAPI 3.1 document, with `base_url` as its server.
  base::Json OpenApi(std::string_view base_url) const;

  size_t inflight() const { return inflight_.load(); }

 private:
  const mcp::ToolRegistry& tools_;
  std::atomic<size_t> inflight_{0};
};

// Builds a tool's arguments from query parameters, converting each to the type `input_schema`
// declares for it. Errors: kInvalidArgument naming the parameter and the expected type.
base::Result<base::Json> ArgumentsFromQuery(
    const std::vector<std::pair<std::string, std::string>>& params, const base::Json& input_schema);

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_REST_REST_API_H_
