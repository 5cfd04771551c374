#include "mcp/server/input_round.h"

#include "base/crypto.h"

namespace herald::mcp {
namespace {

constexpr std::string_view kStateVersion = "v1";

std::string Mac(std::string_view secret, std::string_view binding, std::string_view payload) {
  return base::HmacSha256(secret, std::string(binding) + "\n" + std::string(payload));
}

}  // namespace

InputRound::InputRound(const base::Caller& caller, std::string secret)
    : binding_(caller.org_id + "\n" + caller.actor()), secret_(std::move(secret)) {}

InputRound::InputRound(const InputRound& other) : binding_(other.binding_), secret_(other.secret_) {
  std::lock_guard lock(other.mu_);
  answers_ = other.answers_;
  requests_ = other.requests_;
  capabilities_ = other.capabilities_;
  next_name_ = other.next_name_;
}

base::Result<InputRound> InputRound::FromParams(const Json& params, const base::Caller& caller,
                                                std::string secret) {
  InputRound round(caller, std::move(secret));
  if (!params.is_object()) return round;
  if (auto state = params.find("requestState"); state != params.end() && !state->is_null()) {
    if (!state->is_string()) {
      return base::InvalidArgument("requestState must be the string the server returned");
    }
    const std::string& text = state->get_ref<const std::string&>();
    // "v1.<base64url payload>.<base64url mac>"
    std::size_t first = text.find('.');
    std::size_t last = text.rfind('.');
    bool ok = first != std::string::npos && last != first &&
              std::string_view(text).substr(0, first) == kStateVersion;
    Json answers;
    if (ok) {
      std::string_view payload = std::string_view(text).substr(first + 1, last - first - 1);
      auto mac = base::Base64UrlDecode(std::string_view(text).substr(last + 1));
      ok = mac.ok() && base::ConstantTimeEqual(*mac, Mac(round.secret_, round.binding_, payload));
      if (ok) {
        auto decoded = base::Base64UrlDecode(payload);
        auto parsed =
            decoded.ok() ? base::ParseJson(*decoded) : base::Result<Json>(decoded.error());
        ok = parsed.ok() && parsed->is_object();
        if (ok) answers = std::move(parsed).value();
      }
    }
    if (!ok) {
      return base::InvalidArgument(
          "requestState integrity check failed: send back the requestState of the previous "
          "result unchanged, or retry without it");
    }
    round.answers_ = std::move(answers);
  }
  if (auto responses = params.find("inputResponses"); responses != params.end()) {
    if (!responses->is_object()) {
      return base::InvalidArgument(
          "inputResponses must be an object mapping each input request's name to the client's "
          "result");
    }
    for (const auto& [name, answer] : responses->items()) {
      if (!answer.is_object()) {
        return base::InvalidArgument("inputResponses[\"" + name +
                                     "\"] must be a result object (e.g. an ElicitResult)");
      }
      round.answers_[name] = answer;
    }
  }
  return round;
}

Json InputRound::Answer(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = answers_.find(name);
  return it == answers_.end() ? Json() : *it;
}

std::string InputRound::NextName() {
  std::lock_guard lock(mu_);
  return "input_" + std::to_string(next_name_++);
}

void InputRound::Ask(std::string name, std::string method, Json params) {
  std::lock_guard lock(mu_);
  Json request{{"method", std::move(method)}};
  if (!params.is_null()) request["params"] = std::move(params);
  requests_[name] = std::move(request);
}

void InputRound::RequireCapability(std::string capability) {
  std::lock_guard lock(mu_);
  capabilities_[capability] = Json::object();
}

bool InputRound::needs_input() const {
  std::lock_guard lock(mu_);
  return !requests_.empty();
}

Json InputRound::required_capabilities() const {
  std::lock_guard lock(mu_);
  return capabilities_;
}

std::string InputRound::Seal(const Json& answers) const {
  std::string payload = base::Base64UrlEncode(base::DumpJson(answers));
  return std::string(kStateVersion) + "." + payload + "." +
         base::Base64UrlEncode(Mac(secret_, binding_, payload));
}

Json InputRound::InputRequiredResult() const {
  std::lock_guard lock(mu_);
  return Json{{"resultType", "input_required"},
              {"inputRequests", requests_},
              {"requestState", Seal(answers_)}};
}

}  // namespace herald::mcp
