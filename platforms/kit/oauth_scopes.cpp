#include "platforms/kit/oauth_scopes.h"

#include <algorithm>

namespace herald::platforms {

std::vector<std::string> SplitScopes(std::string_view granted) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < granted.size()) {
    size_t end = granted.find_first_of(" ,", pos);
    if (end == std::string_view::npos) end = granted.size();
    if (end > pos) out.emplace_back(granted.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool HasScope(std::string_view granted, std::string_view scope) {
  const std::vector<std::string> have = SplitScopes(granted);
  return std::find(have.begin(), have.end(), scope) != have.end();
}

std::vector<std::string> MissingScopes(std::string_view granted,
                                       const std::vector<std::string>& required) {
  const std::vector<std::string> have = SplitScopes(granted);
  std::vector<std::string> missing;
  for (const std::string& s : required) {
    if (std::find(have.begin(), have.end(), s) == have.end()) missing.push_back(s);
  }
  return missing;
}

base::Result<void> RequireScopes(std::string_view granted, const std::vector<std::string>& missing,
                                 std::string_view granter, std::string_view thing) {
  if (granted.empty() || missing.empty()) return base::Ok();
  std::string list;
  for (const std::string& s : missing) list += (list.empty() ? "" : ", ") + s;
  return base::FailedPrecondition(std::string(granter) + " granted herald only \"" +
                                  std::string(granted) + "\"; herald also needs " + list +
                                  ": connect the " + std::string(thing) +
                                  " again and allow every permission herald asks for");
}

}  // namespace herald::platforms
