#include "core/connect_arguments.h"

#include <algorithm>

namespace herald::core {

ConnectArguments ConnectArgumentsOf(const platforms::PlatformInfo& info) {
  ConnectArguments out;
  for (std::string name : info.connect_fields) {
    bool optional = false;
    if (!name.empty() && name.back() == '?') {
      name.pop_back();
      optional = true;
    }
    if (name == "service_url") optional = true;
    (optional ? out.optional : out.required).push_back(name);
  }
  // Optional arguments an adapter reads without listing them in connect_fields.
  if (info.id == "bluesky" &&
      std::find(out.optional.begin(), out.optional.end(), "service_url") == out.optional.end()) {
    out.optional.push_back("service_url");
  }
  return out;
}

}  // namespace herald::core
