#include "base/caller.h"

#include <array>
#include <string>
#include <utility>

namespace herald::base {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{{{Role::kViewer, "viewer"},
                                                                    {Role::kEditor, "editor"},
                                                                    {Role::kApprover, "approver"},
                                                                    {Role::kAdmin, "admin"}}};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [value, text] : kRoles) {
    if (value == role) return text;
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (const auto& [value, text] : kRoles) {
    if (text == name) return value;
  }
  return InvalidArgument("role must be one of viewer, editor, approver, admin; got '" +
                         std::string(name.substr(0, 64)) + "'");
}

}  // namespace herald::base
