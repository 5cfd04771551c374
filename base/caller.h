// Caller and Role: who is asking and what they may do. Every core operation takes a Caller and
// is scoped to its organization; the role decides what it may do (viewer reads, editor manages
// posts and accounts, approver also approves or rejects posts awaiting approval, admin also
// manages keys, webhooks, organization settings and reads the audit log). Here, in base, so that the store (API keys
// carry a role), the core, the tools and the transports (which authenticate a caller) share
// one definition without depending on each other.
#ifndef HERALD_BASE_CALLER_H_
#define HERALD_BASE_CALLER_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace herald::base {

// Ordered: each role grants everything the ones before it do. The stored names never change.
enum class Role { kViewer, kEditor, kApprover, kAdmin };
// "viewer" | "editor" | "approver" | "admin".
std::string_view RoleName(Role role);
// The role named `name`; kInvalidArgument if unknown.
Result<Role> ParseRole(std::string_view name);
// True if `have` grants at least `need` (admin > approver > editor > viewer).
inline bool RoleAllows(Role have, Role need) { return static_cast<int>(have) >= static_cast<int>(need); }

// Who is asking: an organization, the key used (empty for the local operator) and its role.
struct Caller {
  std::string org_id;
  std::string key_id;  // key_... or "" for the local operator (stdio without HERALD_API_KEY)
  Role role = Role::kViewer;
  // For the audit log: the key id, or "local".
  std::string actor() const { return key_id.empty() ? "local" : key_id; }
};

}  // namespace herald::base

#endif  // HERALD_BASE_CALLER_H_
