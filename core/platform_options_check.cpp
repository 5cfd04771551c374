#include "core/platform_options_check.h"

#include "base/schema_validator.h"

namespace herald::core {

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
    auto validator = base::SchemaValidator::Compile(schema);
    if (!validator.ok()) {
      return base::Internal("the options schema of " + id + " does not compile: " +
                            validator.error().message());
    }
    auto problems = validator->Validate(value);
    if (problems.empty()) continue;
    std::string message;
    for (const auto& p : problems) {
      if (!message.empty()) message += "; ";
      message += field + (p.path.empty() ? "" : "." + p.path) + ": " + p.message;
    }
    message += " (list_platforms shows " + network->Info().name + "'s options_schema)";
    return base::InvalidArgument(message);
  }
  return base::Ok();
}

}  // namespace herald::core
