// save_draft: Save a draft. See spec() for what the model is told, and
// schemas/tools/save_draft.input.json / .output.json. Thin: decodes the arguments, calls
// core::PostService, returns its view. Stateless; thread-safe.
#ifndef HERALD_TOOLS_SAVE_DRAFT_H_
#define HERALD_TOOLS_SAVE_DRAFT_H_

#include "core/post_service.h"
#include "tools/tool.h"

namespace herald::tools {

class SaveDraftTool final : public Tool {
 public:
  explicit SaveDraftTool(core::PostService& service);
  const ToolSpec& spec() const override { return spec_; }
  Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) override;

 private:
  core::PostService& posts_;
  ToolSpec spec_;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_SAVE_DRAFT_H_
