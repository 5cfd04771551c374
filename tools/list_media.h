// list_media: List media. See spec() for what the model is told, and
// schemas/tools/list_media.input.json / .output.json. Thin: decodes the arguments, calls
// core::MediaService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_LIST_MEDIA_H_
#define HERALD_TOOLS_LIST_MEDIA_H_

#include "core/media_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ListMediaTool final : public Tool {
 public:
  explicit ListMediaTool(core::MediaService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::MediaService& media_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_LIST_MEDIA_H_
