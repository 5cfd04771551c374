#include "mcp/server/resource_registry.h"

#include <cctype>

namespace herald::mcp {
namespace {

// Splits "a{x}b{y}" into literal and variable parts; nullopt if braces are unbalanced or a
// variable name is empty.
struct Part {
  std::string text;
  bool variable = false;
};

std::optional<std::vector<Part>> ParseTemplate(std::string_view t) {
  std::vector<Part> parts;
  std::string literal;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '}') return std::nullopt;
    if (t[i] != '{') {
      literal += t[i];
      continue;
    }
    auto close = t.find('}', i + 1);
    if (close == std::string_view::npos || close == i + 1) return std::nullopt;
    std::string_view name = t.substr(i + 1, close - i - 1);
    if (name.find('{') != std::string_view::npos) return std::nullopt;
    if (!literal.empty()) parts.push_back({std::move(literal), false});
    literal.clear();
    if (!parts.empty() && parts.back().variable) return std::nullopt;  // "{a}{b}" is ambiguous
    parts.push_back({std::string(name), true});
    i = close;
  }
  if (!literal.empty()) parts.push_back({std::move(literal), false});
  return parts;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Json Describe(const std::string& key, const std::string& value, const std::string& name,
              const std::string& title, const std::string& description,
              const std::string& mime_type) {
  Json entry{{key, value}, {"name", name}};
  if (!title.empty()) entry["title"] = title;
  if (!description.empty()) entry["description"] = description;
  if (!mime_type.empty()) entry["mimeType"] = mime_type;
  return entry;
}

}  // namespace

Result<void> ResourceRegistry::Add(ResourceInfo info, ResourceReader reader) {
  if (info.uri.empty() || info.name.empty() || !reader) {
    return base::InvalidArgument("a resource needs a uri, a name and a reader");
  }
  for (const auto& r : resources_) {
    if (r.info.uri == info.uri) return base::InvalidArgument("duplicate resource " + info.uri);
  }
  resources_.push_back({std::move(info), std::move(reader)});
  return base::Ok();
}

Result<void> ResourceRegistry::AddTemplate(ResourceTemplateInfo info, TemplateReader reader,
                                           Completer completer) {
  if (info.uri_template.empty() || info.name.empty() || !reader) {
    return base::InvalidArgument("a resource template needs a uri template, a name and a reader");
  }
  if (!ParseTemplate(info.uri_template).has_value()) {
    return base::InvalidArgument("malformed URI template " + info.uri_template);
  }
  for (const auto& t : templates_) {
    if (t.info.uri_template == info.uri_template) {
      return base::InvalidArgument("duplicate resource template " + info.uri_template);
    }
  }
  templates_.push_back({std::move(info), std::move(reader), std::move(completer)});
  return base::Ok();
}

Json ResourceRegistry::DescribeResource(std::size_t index) const {
  const auto& i = resources_.at(index).info;
  return Describe("uri", i.uri, i.name, i.title, i.description, i.mime_type);
}

Json ResourceRegistry::DescribeTemplate(std::size_t index) const {
  const auto& i = templates_.at(index).info;
  return Describe("uriTemplate", i.uri_template, i.name, i.title, i.description, i.mime_type);
}

bool ResourceRegistry::Knows(std::string_view uri) const {
  for (const auto& r : resources_) {
    if (r.info.uri == uri) return true;
  }
  for (const auto& t : templates_) {
    if (MatchTemplate(t.info.uri_template, uri).has_value()) return true;
  }
  return false;
}

Task<Result<Json>> ResourceRegistry::Read(std::string uri, base::Caller caller) const {
  for (const auto& r : resources_) {
    if (r.info.uri == uri) co_return co_await r.reader(uri, caller);
  }
  for (const auto& t : templates_) {
    auto vars = MatchTemplate(t.info.uri_template, uri);
    if (vars.has_value()) co_return co_await t.reader(uri, std::move(*vars), caller);
  }
  co_return base::NotFound("resource not found: " + uri);
}

std::optional<std::vector<std::string>> ResourceRegistry::Complete(std::string_view uri_template,
                                                                   std::string_view name,
                                                                   std::string_view value,
                                                                   const Json& context) const {
  for (const auto& t : templates_) {
    if (t.info.uri_template != uri_template) continue;
    if (!t.completer) return std::vector<std::string>{};
    return t.completer(name, value, context);
  }
  return std::nullopt;
}

std::optional<std::map<std::string, std::string>> ResourceRegistry::MatchTemplate(
    std::string_view uri_template, std::string_view uri) {
  auto parts = ParseTemplate(uri_template);
  if (!parts.has_value()) return std::nullopt;
  std::map<std::string, std::string> vars;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const Part& part = (*parts)[i];
    if (!part.variable) {
      if (uri.substr(pos, part.text.size()) != part.text) return std::nullopt;
      pos += part.text.size();
      continue;
    }
    // A variable runs to the next literal (or the end), never across '/'.
    std::size_t end;
    if (i + 1 < parts->size()) {
      end = uri.find((*parts)[i + 1].text, pos);
      if (end == std::string_view::npos) return std::nullopt;
    } else {
      end = uri.size();
    }
    std::string_view raw = uri.substr(pos, end - pos);
    if (raw.empty() || raw.find('/') != std::string_view::npos) return std::nullopt;
    auto decoded = PercentDecode(raw);
    if (!decoded.has_value()) return std::nullopt;
    vars[part.text] = std::move(*decoded);
    pos = end;
  }
  if (pos != uri.size()) return std::nullopt;
  return vars;
}

}  // namespace herald::mcp
