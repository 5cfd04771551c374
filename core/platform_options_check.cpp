#include "core/platform_options_check.h"

#include "base/schema_validator.h"

namespace herald::core {
namespace {

// `value` against `network`'s options schema: kInvalidArgument naming each field.
base::Result<void> CheckAgainst(const platforms::Platform& network, const base::Json& value) {
  const std::string& id = network.Info().id;
  auto validator = base::SchemaValidator::Compile(network.Info().options_schema);
  if (!validator.ok()) {
    return base::Internal("the options schema of " + id + " does not compile: " +
                          validator.error().message());
  }
  auto problems = validator->Validate(value);
  if (problems.empty()) return base::Ok();
  std::string message;
  for (const auto& p : problems) {
    if (!message.empty()) message += "; ";
    message += "platform_options." + id + (p.path.empty() ? "" : "." + p.path) + ": " + p.message;
  }
  message += " (list_platforms shows " + network.Info().name + "'s options_schema)";
  return base::InvalidArgument(message);
}

}  // namespace

base::Result<void> CheckPlatformOptions(
    const std::map<std::string, base::Json, std::less<>>& options,
    const std::vector<const platforms::Platform*>& platforms) {
  for (const auto& [id, value] : options) {
    const std::string field = "platform_options." + id;
    const platforms::Platform* network = nullptr;
    std::string present;
    for (const platforms::Platform* p : platforms) {
      if (p->Info().id == id) network = p;
      if (present.find("'" + p->Info().id + "'") == std::string::npos) {
        present += (present.empty() ? "'" : ", '") + p->Info().id + "'";
      }
    }
    if (network == nullptr) {
      return base::InvalidArgument(field + ": '" + id +
                                   "' is not the network of any of this post's accounts (they "
                                   "are " + present + "); give options only for those");
    }
    const base::Json& schema = network->Info().options_schema;
    if (!schema.is_object()) {
      return base::InvalidArgument(field + ": " + network->Info().name +
                                   " takes no platform_options; remove them");
    }
    HERALD_RETURN_IF_ERROR(CheckAgainst(*network, value));
  }
  // A network whose options have required fields (TikTok's privacy level) needs them even when
  // the post gives it no options at all.
  for (const platforms::Platform* p : platforms) {
    if (options.count(p->Info().id) == 0 && p->Info().options_schema.is_object()) {
      HERALD_RETURN_IF_ERROR(CheckAgainst(*p, base::Json::object()));
    }
  }
  return base::Ok();
}

}  // namespace herald::core
