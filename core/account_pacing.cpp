#include "core/account_pacing.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace herald::core {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

base::Error PartError(std::string_view part, std::string_view expected) {
  return base::InvalidArgument("HERALD_ACCOUNT_PACING: '" + std::string(part.substr(0, 40)) +
                               "': " + std::string(expected));
}

std::optional<long> Number(std::string_view s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

base::Result<PacingRules> PacingRules::Parse(std::string_view spec) {
  PacingRules rules;
  if (spec == "off" || spec.empty()) return rules;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    std::string_view part = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return PartError(part, "expected name=value (spacing, hour or day)");
    }
    std::string_view name = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    if (name == "spacing") {
      long unit = 1;
      if (!value.empty() && (value.back() == 's' || value.back() == 'm' || value.back() == 'h')) {
        unit = value.back() == 'h' ? 3600 : value.back() == 'm' ? 60 : 1;
        value.remove_suffix(1);
      }
      auto n = Number(value);
      if (!n || *n > 86400 / unit) {
        return PartError(part, "spacing is a duration up to a day, like 90s, 2m or 1h");
      }
      rules.min_spacing = seconds(*n * unit);
    } else if (name == "hour" || name == "day") {
      auto n = Number(value);
      if (!n || *n > 100000) return PartError(part, "expected a count from 0 (no limit)");
      (name == "hour" ? rules.max_per_hour : rules.max_per_day) = static_cast<int>(*n);
    } else {
      return PartError(part, "unknown rule; expected spacing, hour or day");
    }
  }
  return rules;
}

namespace {

struct OverridePart {
  std::string_view name;
  long max;
  std::string_view expected;
};

constexpr OverridePart kOverrideParts[] = {
    {"min_spacing_seconds", 86400, "seconds between two posts, 0 (none) to 86400"},
    {"max_per_hour", 100000, "posts in any 60 minutes, 0 (no limit) to 100000"},
    {"max_per_day", 100000, "posts in any 24 hours, 0 (no limit) to 100000"},
};

}  // namespace

base::Result<base::Json> CheckPacingOverride(const base::Json& pacing) {
  if (!pacing.is_object()) {
    return base::InvalidArgument(
        "pacing: expected an object with min_spacing_seconds, max_per_hour and/or max_per_day, "
        "or null for the server's pacing");
  }
  base::Json out = base::Json::object();
  for (const auto& [key, value] : pacing.items()) {
    const OverridePart* part = nullptr;
    for (const auto& p : kOverrideParts) {
      if (p.name == key) part = &p;
    }
    if (part == nullptr) {
      return base::InvalidArgument("pacing." + key.substr(0, 40) +
                                   ": unknown; expected min_spacing_seconds, max_per_hour or "
                                   "max_per_day");
    }
    if (!value.is_number_integer() || value.get<long>() < 0 || value.get<long>() > part->max) {
      return base::InvalidArgument("pacing." + key + ": expected " + std::string(part->expected));
    }
    out[key] = value.get<long>();
  }
  if (out.empty()) {
    return base::InvalidArgument(
        "pacing: give at least one of min_spacing_seconds, max_per_hour, max_per_day (0 = no "
        "limit), or null for the server's pacing");
  }
  return out;
}

PacingRules EffectivePacing(const PacingRules& server, const base::Json& account_settings) {
  if (!account_settings.is_object()) return server;
  auto it = account_settings.find(kAccountPacingSetting);
  if (it == account_settings.end()) return server;
  auto checked = CheckPacingOverride(*it);
  if (!checked.ok()) return server;
  PacingRules rules = server;
  const base::Json& o = *checked;
  if (o.contains("min_spacing_seconds")) {
    rules.min_spacing = seconds(o["min_spacing_seconds"].get<long>());
  }
  if (o.contains("max_per_hour")) rules.max_per_hour = o["max_per_hour"].get<int>();
  if (o.contains("max_per_day")) rules.max_per_day = o["max_per_day"].get<int>();
  return rules;
}

base::Json PacingRulesJson(const PacingRules& rules) {
  return base::Json{{"min_spacing_seconds", rules.min_spacing.count()},
                    {"max_per_hour", rules.max_per_hour},
                    {"max_per_day", rules.max_per_day}};
}

std::optional<PacingWait> NextPacedSlot(const PacingRules& rules,
                                        const std::vector<base::Time>& published, base::Time now) {
  if (!rules.enabled()) return std::nullopt;
  std::vector<base::Time> recent;
  for (base::Time t : published) {
    if (t > now - hours(24) && t <= now) recent.push_back(t);
  }
  std::sort(recent.begin(), recent.end());  // oldest first
  std::optional<PacingWait> wait;
  auto hold = [&](base::Time until, std::string reason) {
    if (until <= now) return;
    if (!wait || until > wait->until) wait = PacingWait{until, std::move(reason)};
  };
  if (rules.min_spacing.count() > 0 && !recent.empty()) {
    hold(recent.back() + rules.min_spacing, "posts of this account go at least " +
                                                std::to_string(rules.min_spacing.count()) +
                                                " s apart");
  }
  // With n allowed in a window, the next post waits until the n-th newest leaves the window.
  auto cap = [&](int max, base::Micros window, const char* what) {
    if (max <= 0) return;
    std::vector<base::Time> in;
    for (base::Time t : recent) {
      if (t > now - window) in.push_back(t);
    }
    if (static_cast<int>(in.size()) < max) return;
    hold(in[in.size() - static_cast<size_t>(max)] + window,
         "at most " + std::to_string(max) + " posts " + what + " on this account");
  };
  cap(rules.max_per_hour, hours(1), "an hour");
  cap(rules.max_per_day, hours(24), "a day");
  return wait;
}

}  // namespace herald::core
