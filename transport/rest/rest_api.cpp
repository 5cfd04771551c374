#include "transport/rest/rest_api.h"

#include <charconv>
#include <cstdlib>
#include <set>

#include "mcp/server/detached_tool_context.h"
#include "schemas/schemas.h"
#include "transport/guard/http_guard.h"

namespace herald::transport {

using base::Json;
using mcp::DetachedToolContext;
using mcp::RegisteredTool;
using mcp::ToolRegistry;

namespace {

constexpr RestRoute kRoutes[] = {
    {"POST", "/api/v1/tools/{name}", "", ArgsFrom::kBody, "", 200,
     "Call any tool by name; the body is its arguments", 0},
    {"POST", "/api/v1/posts", "schedule_post", ArgsFrom::kBody, "", 201,
     "Schedule a post on one or more accounts", 0},
    {"GET", "/api/v1/posts", "list_posts", ArgsFrom::kQuery, "", 200, "List posts", 0},
    {"POST", "/api/v1/posts/validate", "validate_post", ArgsFrom::kBody, "", 200,
     "Check a post against each network's rules without saving it", 0},
    {"GET", "/api/v1/posts/{id}", "get_post", ArgsFrom::kQuery, "post_id", 200, "Get a post", 0},
    {"PATCH", "/api/v1/posts/{id}", "update_post", ArgsFrom::kBody, "post_id", 200,
     "Edit a draft or scheduled post", 0},
    {"DELETE", "/api/v1/posts/{id}", "cancel_post", ArgsFrom::kBody, "post_id", 200,
     "Cancel a scheduled post (nothing is sent)", 0},
    {"POST", "/api/v1/posts/{id}/retry", "retry_post", ArgsFrom::kBody, "post_id", 200,
     "Retry the failed targets of a post", 0},
    {"GET", "/api/v1/accounts", "list_accounts", ArgsFrom::kQuery, "", 200,
     "List connected accounts", 0},
    {"POST", "/api/v1/accounts", "connect_account", ArgsFrom::kBody, "", 201,
     "Connect an account on a network", 0},
    {"GET", "/api/v1/accounts/{id}", "get_account", ArgsFrom::kQuery, "account_id", 200,
     "Get an account", 0},
    {"DELETE", "/api/v1/accounts/{id}", "disconnect_account", ArgsFrom::kBody, "account_id", 200,
     "Disconnect an account", 0},
    {"POST", "/api/v1/media", "upload_media", ArgsFrom::kBody, "", 201, "Upload media", 32u << 20},
    {"GET", "/api/v1/media", "list_media", ArgsFrom::kQuery, "", 200, "List uploaded media", 0},
    {"GET", "/api/v1/media/{id}", "get_media", ArgsFrom::kQuery, "media_id", 200,
     "Get a media item and what each network does with it", 0},
    {"DELETE", "/api/v1/media/{id}", "delete_media", ArgsFrom::kBody, "media_id", 200,
     "Delete a media item", 0},
    {"GET", "/api/v1/platforms", "list_platforms", ArgsFrom::kQuery, "", 200,
     "List the supported networks and their rules", 0},
    // ---- analytics insights ----
    {"GET", "/api/v1/analytics/report", "analytics_report", ArgsFrom::kQuery, "", 200,
     "Totals, rows, top posts and change for a period; chart=true adds chart.data (PNG as "
     "base64, or SVG with chart_format=svg)",
     0},
    {"GET", "/api/v1/accounts/{id}/best-time", "best_time_to_post", ArgsFrom::kQuery, "account_id",
     200, "Best weekday and hour slots to post for an account", 0},
    // ---- teams: approvals, keys, audit, webhooks, guardrails ----
    {"POST", "/api/v1/posts/{id}/approve", "approve_post", ArgsFrom::kBody, "post_id", 200,
     "Approve a post waiting for approval (approver role)", 0},
    {"POST", "/api/v1/posts/{id}/reject", "reject_post", ArgsFrom::kBody, "post_id", 200,
     "Return a post waiting for approval to draft, with the reason (approver role)", 0},
    {"PUT", "/api/v1/accounts/{id}/pacing", "set_account_pacing", ArgsFrom::kBody, "account_id",
     200, "Set an account's own pacing, or null for the server's (admin)", 0},
    {"PATCH", "/api/v1/organization", "update_organization_settings", ArgsFrom::kBody, "", 200,
     "Change the organization's settings (admin)", 0},
    {"GET", "/api/v1/keys", "list_api_keys", ArgsFrom::kQuery, "", 200,
     "List the organization's API keys, never the keys themselves (admin)", 0},
    {"POST", "/api/v1/keys", "create_api_key", ArgsFrom::kBody, "", 201,
     "Create an API key; the answer is the only time it is shown (admin)", 0},
    {"PATCH", "/api/v1/keys/{id}", "set_api_key_role", ArgsFrom::kBody, "key_id", 200,
     "Change an API key's role (admin)", 0},
    {"DELETE", "/api/v1/keys/{id}", "revoke_api_key", ArgsFrom::kBody, "key_id", 200,
     "Revoke an API key (admin)", 0},
    {"GET", "/api/v1/audit", "list_audit_events", ArgsFrom::kQuery, "", 200,
     "The audit log, newest first (admin)", 0},
    {"GET", "/api/v1/webhooks", "list_webhooks", ArgsFrom::kQuery, "", 200,
     "List webhooks, never their secrets (admin)", 0},
    {"POST", "/api/v1/webhooks", "create_webhook", ArgsFrom::kBody, "", 201,
     "Create a webhook; the answer is the only time its secret is shown (admin)", 0},
    {"DELETE", "/api/v1/webhooks/{id}", "delete_webhook", ArgsFrom::kBody, "webhook_id", 200,
     "Delete a webhook (admin)", 0},
    {"GET", "/api/v1/webhooks/{id}/deliveries", "list_webhook_deliveries", ArgsFrom::kQuery,
     "webhook_id", 200, "A webhook's deliveries with attempts and responses (admin)", 0},
};

// The input schema's declared type for property `name` ("" when not declared).
std::string PropertyType(const Json& schema, std::string_view name, const Json** prop_out) {
  *prop_out = nullptr;
  auto props = schema.find("properties");
  if (props == schema.end() || !props->is_object()) return {};
  auto p = props->find(std::string(name));
  if (p == props->end() || !p->is_object()) return {};
  *prop_out = &*p;
  auto t = p->find("type");
  if (t == p->end()) return {};
  if (t->is_string()) return t->get<std::string>();
  if (t->is_array()) {
    for (const auto& v : *t) {
      if (v.is_string() && v != "null") return v.get<std::string>();
    }
  }
  return {};
}

base::Result<Json> Convert(std::string_view name, const std::string& text, const std::string& type,
                           const Json* prop) {
  auto bad = [&](std::string_view expected) {
    return base::InvalidArgument("query parameter '" + std::string(name) + "' must be " +
                                 std::string(expected) + ", got '" + text + "'");
  };
  if (type == "integer") {
    long long v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size()) return bad("an integer");
    return Json(v);
  }
  if (type == "number") {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) return bad("a number");
    return Json(v);
  }
  if (type == "boolean") {
    if (text == "true" || text == "1") return Json(true);
    if (text == "false" || text == "0") return Json(false);
    return bad("true or false");
  }
  if (type == "array") {
    Json items_schema = prop != nullptr && prop->contains("items") ? (*prop)["items"] : Json::object();
    Json wrapper = {{"properties", {{"item", items_schema}}}};
    const Json* item_prop = nullptr;
    std::string item_type = PropertyType(wrapper, "item", &item_prop);
    Json out = Json::array();
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = text.find(',', start);
      std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) {
        HERALD_ASSIGN_OR_RETURN(Json v, Convert(name, part, item_type, item_prop));
        out.push_back(std::move(v));
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  return Json(text);
}

Json StripDialect(Json schema) {
  if (schema.is_object()) {
    schema.erase("$schema");
    schema.erase("$id");
  }
  return schema;
}

// The tool's input schema: from the registry when registered, else the embedded file.
Json InputSchemaFor(const ToolRegistry& tools, std::string_view name) {
  if (const RegisteredTool* t = tools.Find(name)) return t->input_schema();
  if (auto text = schemas::Find("tools/" + std::string(name) + ".input.json")) {
    auto parsed = base::ParseJson(*text);
    if (parsed.ok()) return std::move(parsed).value();
  }
  return Json();
}

Json OutputSchemaFor(const ToolRegistry& tools, std::string_view name) {
  if (const RegisteredTool* t = tools.Find(name)) return t->output_schema();
  if (auto text = schemas::Find("tools/" + std::string(name) + ".output.json")) {
    auto parsed = base::ParseJson(*text);
    if (parsed.ok()) return std::move(parsed).value();
  }
  return Json();
}

std::string DescriptionFor(const ToolRegistry& tools, std::string_view name) {
  if (const RegisteredTool* t = tools.Find(name)) return t->spec().description;
  return {};
}

// The argument {id} maps to: `preferred` if the schema has it, else "id" if it has that, else
// `preferred`.
std::string IdArgument(const Json& schema, std::string_view preferred) {
  const Json* prop = nullptr;
  PropertyType(schema, preferred, &prop);
  if (prop != nullptr) return std::string(preferred);
  PropertyType(schema, "id", &prop);
  if (prop != nullptr) return "id";
  return std::string(preferred);
}

}  // namespace

std::span<const RestRoute> RestRoutes() { return kRoutes; }

base::Result<Json> ArgumentsFromQuery(const std::vector<std::pair<std::string, std::string>>& params,
                                      const Json& input_schema) {
  Json args = Json::object();
  for (const auto& [name, value] : params) {
    const Json* prop = nullptr;
    std::string type = PropertyType(input_schema, name, &prop);
    if (type == "array" && args.contains(name)) {
      // Repeated parameter: append.
      HERALD_ASSIGN_OR_RETURN(Json more, Convert(name, value, type, prop));
      for (auto& v : more) args[name].push_back(std::move(v));
      continue;
    }
    HERALD_ASSIGN_OR_RETURN(Json v, Convert(name, value, type, prop));
    args[name] = std::move(v);
  }
  return args;
}

RestApi::RestApi(const ToolRegistry& tools) : tools_(tools) {}

base::Task<http::Response> RestApi::Serve(const RestRoute& route, http::Request req,
                                          base::Caller caller) {
  std::string name = route.tool.empty() ? std::string(req.PathParam("name")) : std::string(route.tool);
  const RegisteredTool* tool = tools_.Find(name);
  if (tool == nullptr) {
    co_return RestErrorResponse(404, "not_found",
                                route.tool.empty()
                                    ? "no tool named '" + name + "'"
                                    : "not available: this server has no " + name + " tool");
  }

  Json args;
  if (route.args == ArgsFrom::kQuery) {
    auto from_query = ArgumentsFromQuery(req.query_params, tool->input_schema());
    if (!from_query.ok()) co_return RestErrorFor(from_query.error());
    args = std::move(from_query).value();
  } else {
    std::string_view body = req.body;
    while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r' ||
                             body.front() == '\t')) {
      body.remove_prefix(1);
    }
    if (body.empty()) {
      args = Json::object();
    } else {
      // Depth-limited while parsing (base::kMaxJsonDepth); "invalid JSON at line L, column C".
      auto parsed = base::ParseJson(body);
      if (!parsed.ok()) {
        co_return RestErrorResponse(400, "invalid_argument", parsed.error().message());
      }
      args = std::move(parsed).value();
      if (!args.is_object()) {
        co_return RestErrorResponse(400, "invalid_argument",
                                    "the request body must be a JSON object of the tool's arguments");
      }
    }
  }
  if (!route.id_argument.empty()) {
    args[IdArgument(tool->input_schema(), route.id_argument)] = std::string(req.PathParam("id"));
  }

  DetachedToolContext ctx(std::move(caller));
  inflight_.fetch_add(1);
  base::Result<tools::ToolOutput> out = co_await tools_.Invoke(*tool, std::move(args), ctx);
  inflight_.fetch_sub(1);
  if (!out.ok()) co_return RestErrorFor(out.error());
  if (out->is_error) {
    std::string message;
    for (const auto& block : out->content) {
      if (!block.is_object()) continue;
      auto type = block.find("type");
      auto text = block.find("text");
      if (type != block.end() && *type == "text" && text != block.end() && text->is_string()) {
        if (!message.empty()) message += "\n";
        message += text->get<std::string>();
      }
    }
    if (message.empty() && !out->structured.is_null()) message = base::DumpJson(out->structured);
    co_return RestErrorResponse(400, "tool_error", message.empty() ? "the tool failed" : message);
  }
  Json body = !out->structured.is_null() ? out->structured : Json{{"content", out->content}};
  co_return http::Response::Json(route.success_status, base::DumpJson(body));
}

Json RestApi::OpenApi(std::string_view base_url) const {
  Json error_ref = {{"$ref", "#/components/schemas/Error"}};
  auto error_responses = [&](Json& responses) {
    static const std::pair<const char*, const char*> kErrors[] = {
        {"400", "Invalid arguments (the message names each field and what was expected)"},
        {"401", "Missing or invalid API key"},
        {"403", "The key's role does not allow this"},
        {"404", "No such object, or the tool is not available"},
        {"409", "The object's state does not allow this"},
        {"429", "Rate limited; see Retry-After"},
        {"503", "Temporarily unavailable; retry"}};
    for (const auto& [code, text] : kErrors) {
      responses[code] = {{"description", text},
                         {"content", {{"application/json", {{"schema", error_ref}}}}}};
    }
  };
  auto operation = [&](const RestRoute& route, std::string_view tool_name) {
    Json input = StripDialect(InputSchemaFor(tools_, tool_name));
    Json output = StripDialect(OutputSchemaFor(tools_, tool_name));
    Json op = {{"summary", std::string(route.summary)},
               {"operationId", std::string(tool_name) + "_" + std::string(route.method == "GET" ? "get" : "call")},
               {"tags", Json::array({route.pattern.starts_with("/api/v1/tools") ? "tools"
                                     : route.pattern.find("accounts") != std::string_view::npos
                                         ? "accounts"
                                         : route.pattern.find("posts") != std::string_view::npos
                                               ? "posts"
                                               : "other"})}};
    std::string description = DescriptionFor(tools_, tool_name);
    op["description"] = (description.empty() ? std::string() : description + "\n\n") +
                        "Runs the MCP tool `" + std::string(tool_name) + "`.";
    Json parameters = Json::array();
    std::string id_arg;
    if (!route.id_argument.empty()) {
      id_arg = IdArgument(input, route.id_argument);
      parameters.push_back({{"name", "id"}, {"in", "path"}, {"required", true},
                            {"description", "becomes the tool's `" + id_arg + "` argument"},
                            {"schema", {{"type", "string"}}}});
    }
    if (route.args == ArgsFrom::kQuery) {
      std::set<std::string> required;
      if (input.contains("required") && input["required"].is_array()) {
        for (const auto& r : input["required"]) {
          if (r.is_string()) required.insert(r.get<std::string>());
        }
      }
      if (input.contains("properties") && input["properties"].is_object()) {
        for (const auto& [pname, pschema] : input["properties"].items()) {
          if (pname == id_arg) continue;
          Json param = {{"name", pname}, {"in", "query"}, {"required", required.count(pname) > 0},
                        {"schema", pschema}};
          if (pschema.contains("description")) param["description"] = pschema["description"];
          const Json* ignored = nullptr;
          if (PropertyType(input, pname, &ignored) == "array") {
            param["style"] = "form";
            param["explode"] = false;
          }
          parameters.push_back(std::move(param));
        }
      }
    } else if (!input.is_null()) {
      Json body_schema = input;
      if (!id_arg.empty()) {
        if (body_schema.contains("properties")) body_schema["properties"].erase(id_arg);
        if (body_schema.contains("required") && body_schema["required"].is_array()) {
          Json req = Json::array();
          for (const auto& r : body_schema["required"]) {
            if (r != id_arg) req.push_back(r);
          }
          body_schema["required"] = std::move(req);
        }
      }
      op["requestBody"] = {{"required", route.id_argument.empty() && route.method != "DELETE"},
                           {"content", {{"application/json", {{"schema", std::move(body_schema)}}}}}};
    }
    if (!parameters.empty()) op["parameters"] = std::move(parameters);
    Json ok = {{"description", "The tool's result"}};
    if (!output.is_null()) ok["content"] = {{"application/json", {{"schema", std::move(output)}}}};
    Json responses = Json::object();
    responses[std::to_string(route.success_status)] = std::move(ok);
    error_responses(responses);
    op["responses"] = std::move(responses);
    return op;
  };

  // OpenAPI's path template syntax is the router's, minus nothing: {id}.
  Json paths = Json::object();
  for (const RestRoute& route : RestRoutes()) {
    std::string method(route.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (route.tool.empty()) {
      // One path per known tool: registered ones and those with embedded schemas.
      std::set<std::string> names;
      for (const auto& t : tools_.all()) names.insert(t->spec().name);
      for (const auto& file : schemas::All()) {
        std::string_view p = file.path;
        constexpr std::string_view kPrefix = "tools/";
        constexpr std::string_view kSuffix = ".input.json";
        if (p.starts_with(kPrefix) && p.ends_with(kSuffix)) {
          names.insert(std::string(p.substr(kPrefix.size(), p.size() - kPrefix.size() - kSuffix.size())));
        }
      }
      for (const auto& name : names) {
        paths["/api/v1/tools/" + name][method] = operation(route, name);
      }
      continue;
    }
    paths[std::string(route.pattern)][method] = operation(route, route.tool);
  }

  Json doc = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "herald REST API"},
        {"version", HERALD_VERSION},
        {"description",
         "The REST surface of herald's MCP tools: the same tools, schemas and errors as MCP "
         "(POST /mcp). Authenticate with an API key (herald keys create) as a bearer token."}}},
      {"servers", Json::array({{{"url", std::string(base_url)}}})},
      {"security", Json::array({{{"apiKey", Json::array()}}})},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes",
         {{"apiKey", {{"type", "http"}, {"scheme", "bearer"}, {"description", "A herald API key"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", Json::array({"error"})},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", Json::array({"code", "message"})},
                {"properties",
                 {{"code", {{"type", "string"}, {"description", "invalid_argument, not_found, ..."}}},
                  {"message", {{"type", "string"}}}}}}}}}}}}}}}};
  return doc;
}

}  // namespace herald::transport
