#include "tools/validate_post.h"

#include "tools/post_args.h"
#include "tools/post_views.h"

namespace herald::tools {

ValidatePostTool::ValidatePostTool(core::PostService& service) : posts_(service) {
  spec_.name = "validate_post";
  spec_.title = "Check a post against each network's rules";
  spec_.description =
      "Checks content against the rules of each account's network without storing anything: per"
      " account, the main text's length counted the network's way (characters, graphemes, UTF-1"
      "6 units) against its limit, and every violation (length, media count, threads) with the "
      "field and by how much. Use it before schedule_post to shorten or adapt text per network "
      "(overrides).";
  spec_.annotations.read_only = true;
  spec_.annotations.destructive = false;
  spec_.annotations.idempotent = true;
  spec_.annotations.open_world = false;
  spec_.required_role = store::Role::kViewer;
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
