// prepare_media: Convert a media item for networks now. See spec() for what the model is told,
// and schemas/tools/prepare_media.input.json / .output.json. Decodes the arguments, calls
// core::MediaService::Prepare and turns its progress into MCP progress notifications (when the
// client sent a progressToken): progress counts networks done, with the current network's
// fraction, out of a total of the number of networks. Stateless; thread-safe.
#ifndef HERALD_TOOLS_PREPARE_MEDIA_H_
#define HERALD_TOOLS_PREPARE_MEDIA_H_

#include "core/media_service.h"
#include "tools/tool.h"

namespace herald::tools {

class PrepareMediaTool final : public Tool {
 public:
  explicit PrepareMediaTool(core::MediaService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::MediaService& media_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_PREPARE_MEDIA_H_
