#include "tools/validate_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"
#include "tools/tool_metadata.h"

namespace herald::tools {

ValidatePostTool::ValidatePostTool(core::PostService& service) : posts_(service) {
  spec_ = SpecFromSchemas("validate_post", base::Role::kViewer);
  spec_.upgrade_arguments = UpgradeOverridesArgument;
}

Task<Result<ToolOutput>> ValidatePostTool::Call(Json args, ToolContext& ctx) {
  core::ValidatePostRequest request;
  if (auto accounts = StringListArg(args, "accounts")) request.accounts = std::move(*accounts);
  request.content = ContentArgs(args);
  HERALD_CO_ASSIGN_OR_RETURN(core::ValidationResult result,
                             co_await posts_.Validate(ctx.caller(), std::move(request)));
  co_return Structured(ValidationView(result));
}

}  // namespace herald::tools
