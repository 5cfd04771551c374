// approve_post: Approve a post waiting for approval. See spec() for what the model is told, and
// schemas/tools/approve_post.input.json / .output.json. Thin: decodes the arguments, calls
// core::PostService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_APPROVE_POST_H_
#define HERALD_TOOLS_APPROVE_POST_H_

#include "core/post_service.h"
#include "tools/tool.h"

namespace herald::tools {

class ApprovePostTool final : public Tool {
 public:
  explicit ApprovePostTool(core::PostService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::PostService& posts_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_APPROVE_POST_H_
