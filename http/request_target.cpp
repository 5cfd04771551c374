#include "http/request_target.h"

namespace herald::http::internal {

bool SplitTarget(std::string_view target, std::string_view* path, std::string_view* query) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t authority = target.find("//") + 2;
    size_t slash = target.find('/', authority);
    size_t qmark = target.find('?', authority);
    if (slash == std::string_view::npos || (qmark != std::string_view::npos && qmark < slash)) {
      target = "/";
      if (qmark != std::string_view::npos) target = std::string_view{};
    } else {
      target = target.substr(slash);
    }
  }
  if (target.empty() || target.front() != '/') return false;
  size_t q = target.find('?');
  *path = target.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  return true;
}

}  // namespace herald::http::internal
