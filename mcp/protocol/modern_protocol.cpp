#include "mcp/protocol/modern_protocol.h"

#include <algorithm>
#include <array>

#include "base/crypto.h"

namespace herald::mcp {
namespace {

constexpr std::array<std::string_view, 1> kModernVersions{kModernProtocolVersion};

const Json* MetaOf(const Json& params) {
  if (!params.is_object()) return nullptr;
  auto it = params.find("_meta");
  if (it == params.end() || !it->is_object()) return nullptr;
  return &*it;
}

}  // namespace

std::span<const std::string_view> SupportedModernVersions() { return kModernVersions; }

bool IsSupportedModernVersion(std::string_view version) {
  return std::find(kModernVersions.begin(), kModernVersions.end(), version) !=
         kModernVersions.end();
}

bool IsModernRequest(const Json& message) {
  if (ClassifyMessage(message) != MessageKind::kRequest) return false;
  const std::string& method = message["method"].get_ref<const std::string&>();
  if (method == "server/discover" || method == "subscriptions/listen") return true;
  auto params = message.find("params");
  if (params == message.end()) return false;
  const Json* meta = MetaOf(*params);
  return meta != nullptr && meta->contains(kMetaProtocolVersion);
}

std::string ModernMetaVersion(const Json& params) {
  const Json* meta = MetaOf(params);
  if (meta == nullptr) return "";
  auto it = meta->find(kMetaProtocolVersion);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<RpcError> ValidateModernMeta(const Json& params) {
  const Json* meta = MetaOf(params);
  if (meta == nullptr) {
    return RpcError{kInvalidParams,
                    "Invalid params: params._meta is required (with " +
                        std::string(kMetaProtocolVersion) + " and " +
                        std::string(kMetaClientCapabilities) + ")",
                    nullptr};
  }
  auto version = meta->find(kMetaProtocolVersion);
  if (version == meta->end() || !version->is_string()) {
    return RpcError{kInvalidParams,
                    "Invalid params: params._meta[\"" + std::string(kMetaProtocolVersion) +
                        "\"] must be a protocol version string",
                    nullptr};
  }
  auto caps = meta->find(kMetaClientCapabilities);
  if (caps == meta->end() || !caps->is_object()) {
    return RpcError{kInvalidParams,
                    "Invalid params: params._meta[\"" + std::string(kMetaClientCapabilities) +
                        "\"] must be an object (use {} for none)",
                    nullptr};
  }
  const std::string& requested = version->get_ref<const std::string&>();
  if (!IsSupportedModernVersion(requested)) {
    Json supported = Json::array();
    for (auto v : SupportedModernVersions()) supported.push_back(v);
    return RpcError{kUnsupportedProtocolVersion,
                    "Unsupported protocol version: " + requested +
                        " (supported: " + std::string(kModernProtocolVersion) +
                        "; or send initialize for 2024-11-05 to 2025-11-25)",
                    Json{{"supported", std::move(supported)}, {"requested", requested}}};
  }
  return std::nullopt;
}

std::optional<std::string> McpNameFor(std::string_view method, const Json& params) {
  std::string_view field;
  if (method == "tools/call" || method == "prompts/get") {
    field = "name";
  } else if (method == "resources/read") {
    field = "uri";
  } else if (method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel") {
    field = "taskId";
  } else {
    return std::nullopt;
  }
  if (!params.is_object()) return std::string();
  auto it = params.find(field);
  return it != params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> DecodeMcpHeaderValue(std::string_view value) {
  constexpr std::string_view kPrefix = "=?base64?";
  constexpr std::string_view kSuffix = "?=";
  if (!value.starts_with(kPrefix) || !value.ends_with(kSuffix) ||
      value.size() < kPrefix.size() + kSuffix.size()) {
    return std::string(value);
  }
  auto decoded = base::Base64Decode(
      value.substr(kPrefix.size(), value.size() - kPrefix.size() - kSuffix.size()));
  if (!decoded.ok()) return std::nullopt;
  return std::move(decoded).value();
}

}  // namespace herald::mcp
