#include "platforms/platform_registry.h"

namespace herald::platforms {

std::string_view AuthKindName(AuthKind kind) {
  switch (kind) {
    case AuthKind::kToken: return "token";
    case AuthKind::kAppPassword: return "app_password";
    case AuthKind::kWebhook: return "webhook";
    case AuthKind::kOAuth2: return "oauth2";
  }
  return "token";
}

std::string_view IdempotencyKindName(IdempotencyKind kind) {
  switch (kind) {
    case IdempotencyKind::kNative: return "native";
    case IdempotencyKind::kReconcile: return "reconcile";
    case IdempotencyKind::kNone: return "none";
  }
  return "none";
}

void PlatformRegistry::Add(std::unique_ptr<Platform> platform) {
  std::string id = platform->Info().id;
  platforms_[id] = std::move(platform);
}

Platform* PlatformRegistry::Find(std::string_view id) const {
  auto it = platforms_.find(id);
  return it == platforms_.end() ? nullptr : it->second.get();
}

std::vector<Platform*> PlatformRegistry::All() const {
  std::vector<Platform*> out;
  for (const auto& [id, p] : platforms_) out.push_back(p.get());
  return out;
}

std::string PlatformRegistry::Names() const {
  std::string out;
  for (const auto& [id, p] : platforms_) {
    if (!out.empty()) out += ", ";
    out += id;
  }
  return out;
}

}  // namespace herald::platforms
