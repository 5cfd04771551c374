// get_media: Get a media item. See spec() for what the model is told, and
// schemas/tools/get_media.input.json / .output.json. Thin: decodes the arguments, calls
// core::MediaService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_GET_MEDIA_H_
#define HERALD_TOOLS_GET_MEDIA_H_

#include "core/media_service.h"
#include "tools/tool.h"

namespace herald::tools {

class GetMediaTool final : public Tool {
 public:
  explicit GetMediaTool(core::MediaService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::MediaService& media_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_GET_MEDIA_H_
