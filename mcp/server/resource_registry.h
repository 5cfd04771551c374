// ResourceRegistry: the MCP resources (fixed URIs) and resource templates (RFC 6570 level-1
// URI templates such as "herald://posts/{id}") a server offers, with their readers.
//
// A reader returns the `contents` array of resources/read (objects {uri, mimeType, text|blob}).
// Readers receive the caller so they can scope what they show to its organization. Register
// before serving; read-only and thread-safe after.
#ifndef HERALD_MCP_SERVER_RESOURCE_REGISTRY_H_
#define HERALD_MCP_SERVER_RESOURCE_REGISTRY_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::mcp {

using base::Json;
using base::Result;
using base::Task;

struct ResourceInfo {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
};

struct ResourceTemplateInfo {
  std::string uri_template;  // "herald://posts/{id}"
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
};

// Returns the contents array for `uri`. Errors: kNotFound (becomes -32002), others as usual.
using ResourceReader = std::function<Task<Result<Json>>(std::string uri, base::Caller caller)>;
// The same for a template match; `vars` holds the template variables ("id" -> "post_...").
using TemplateReader = std::function<Task<Result<Json>>(
    std::string uri, std::map<std::string, std::string> vars, base::Caller caller)>;
// Completion values for argument `name` currently typed as `value`; `context` holds the other
// arguments already chosen ({name: value}). At most 100 are sent.
using Completer = std::function<std::vector<std::string>(
    std::string_view name, std::string_view value, const Json& context)>;

class ResourceRegistry {
 public:
  // Errors: kInvalidArgument for an empty or duplicate uri / template, an empty name, or a
  // template with an unbalanced or empty {variable}.
  Result<void> Add(ResourceInfo info, ResourceReader reader);
  Result<void> AddTemplate(ResourceTemplateInfo info, TemplateReader reader,
                           Completer completer = {});

  std::size_t resource_count() const { return resources_.size(); }
  std::size_t template_count() const { return templates_.size(); }
  // The resources/list and resources/templates/list entries, in registration order.
  Json DescribeResource(std::size_t index) const;
  Json DescribeTemplate(std::size_t index) const;

  // True if `uri` is a registered resource or matches a template.
  bool Knows(std::string_view uri) const;
  // Reads `uri` for `caller`: an exact resource first, then the first matching template.
  // Errors: kNotFound ("resource not found: <uri>") when nothing matches, and the reader's.
  Task<Result<Json>> Read(std::string uri, base::Caller caller) const;
  // Completion for a template argument; nullopt when no template has this text, empty values
  // when it has no completer.
  std::optional<std::vector<std::string>> Complete(std::string_view uri_template,
                                                   std::string_view name, std::string_view value,
                                                   const Json& context) const;

  // Matches `uri` against `uri_template` (each {var} matches one or more characters other than
  // '/'; variables are percent-decoded). nullopt if it does not match.
  static std::optional<std::map<std::string, std::string>> MatchTemplate(
      std::string_view uri_template, std::string_view uri);

 private:
  struct Resource {
    ResourceInfo info;
    ResourceReader reader;
  };
  struct Template {
    ResourceTemplateInfo info;
    TemplateReader reader;
    Completer completer;
  };
  std::vector<Resource> resources_;
  std::vector<Template> templates_;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_RESOURCE_REGISTRY_H_
