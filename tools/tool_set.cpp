#include "tools/tool_set.h"

// Post tools (core/ PostService, MediaService).
#include "tools/cancel_post.h"
#include "tools/delete_media.h"
#include "tools/delete_post.h"
#include "tools/get_media.h"
#include "tools/get_post.h"
#include "tools/list_media.h"
#include "tools/list_posts.h"
#include "tools/prepare_media.h"
#include "tools/publish_post.h"
#include "tools/reschedule_post.h"
#include "tools/retry_post.h"
#include "tools/save_draft.h"
#include "tools/schedule_post.h"
#include "tools/update_post.h"
#include "tools/upload_media.h"
#include "tools/validate_post.h"

// Account tools (core/ AccountService, platforms/).
#include "tools/connect_account.h"
#include "tools/disconnect_account.h"
#include "tools/get_account.h"
#include "tools/list_accounts.h"
#include "tools/list_platforms.h"

// Team tools (core/ TeamService, WebhookService, PostService approvals).
#include "tools/approve_post.h"
#include "tools/create_api_key.h"
#include "tools/create_webhook.h"
#include "tools/delete_webhook.h"
#include "tools/list_api_keys.h"
#include "tools/list_audit_events.h"
#include "tools/list_webhook_deliveries.h"
#include "tools/list_webhooks.h"
#include "tools/reject_post.h"
#include "tools/revoke_api_key.h"
#include "tools/set_account_pacing.h"
#include "tools/set_api_key_role.h"
#include "tools/update_organization_settings.h"

// Analytics tools (core/ AnalyticsService).
#include "tools/get_account_analytics.h"
#include "tools/get_post_analytics.h"
#include "tools/refresh_analytics.h"
// Analytics insight tools (core/ AnalyticsInsights).
#include "tools/analytics_report.h"
#include "tools/best_time_to_post.h"

namespace herald::tools {

std::vector<std::unique_ptr<Tool>> MakeTools(const ToolDeps& deps) {
  std::vector<std::unique_ptr<Tool>> tools;
  // ---- post tools ----
  if (deps.posts != nullptr) {
    tools.push_back(std::make_unique<SchedulePostTool>(*deps.posts, deps.insights));
    tools.push_back(std::make_unique<PublishPostTool>(*deps.posts));
    tools.push_back(std::make_unique<SaveDraftTool>(*deps.posts));
    tools.push_back(std::make_unique<UpdatePostTool>(*deps.posts));
    tools.push_back(std::make_unique<ReschedulePostTool>(*deps.posts));
    tools.push_back(std::make_unique<CancelPostTool>(*deps.posts));
    tools.push_back(std::make_unique<RetryPostTool>(*deps.posts));
    tools.push_back(std::make_unique<DeletePostTool>(*deps.posts));
    tools.push_back(std::make_unique<GetPostTool>(*deps.posts));
    tools.push_back(std::make_unique<ListPostsTool>(*deps.posts));
    tools.push_back(std::make_unique<ValidatePostTool>(*deps.posts));
  }
  if (deps.media != nullptr) {
    tools.push_back(std::make_unique<UploadMediaTool>(*deps.media));
    tools.push_back(std::make_unique<ListMediaTool>(*deps.media));
    tools.push_back(std::make_unique<GetMediaTool>(*deps.media));
    tools.push_back(std::make_unique<DeleteMediaTool>(*deps.media));
    tools.push_back(std::make_unique<PrepareMediaTool>(*deps.media));
  }
  // ---- account tools ----
  if (deps.platforms != nullptr) {
    tools.push_back(std::make_unique<ListPlatformsTool>(*deps.platforms));
  }
  if (deps.accounts != nullptr) {
    tools.push_back(std::make_unique<ConnectAccountTool>(*deps.accounts));
    tools.push_back(std::make_unique<ListAccountsTool>(*deps.accounts));
    tools.push_back(std::make_unique<GetAccountTool>(*deps.accounts));
    tools.push_back(std::make_unique<DisconnectAccountTool>(*deps.accounts));
    tools.push_back(std::make_unique<SetAccountPacingTool>(*deps.accounts));
  }
  // ---- team tools ----
  if (deps.posts != nullptr) {
    tools.push_back(std::make_unique<ApprovePostTool>(*deps.posts));
    tools.push_back(std::make_unique<RejectPostTool>(*deps.posts));
  }
  if (deps.team != nullptr) {
    tools.push_back(std::make_unique<UpdateOrganizationSettingsTool>(*deps.team));
    tools.push_back(std::make_unique<CreateApiKeyTool>(*deps.team));
    tools.push_back(std::make_unique<ListApiKeysTool>(*deps.team));
    tools.push_back(std::make_unique<RevokeApiKeyTool>(*deps.team));
    tools.push_back(std::make_unique<SetApiKeyRoleTool>(*deps.team));
    tools.push_back(std::make_unique<ListAuditEventsTool>(*deps.team));
  }
  if (deps.webhooks != nullptr) {
    tools.push_back(std::make_unique<CreateWebhookTool>(*deps.webhooks));
    tools.push_back(std::make_unique<ListWebhooksTool>(*deps.webhooks));
    tools.push_back(std::make_unique<DeleteWebhookTool>(*deps.webhooks));
    tools.push_back(std::make_unique<ListWebhookDeliveriesTool>(*deps.webhooks));
  }
  // ---- analytics tools ----
  if (deps.analytics != nullptr) {
    tools.push_back(std::make_unique<GetPostAnalyticsTool>(*deps.analytics));
    tools.push_back(std::make_unique<GetAccountAnalyticsTool>(*deps.analytics));
    tools.push_back(std::make_unique<RefreshAnalyticsTool>(*deps.analytics));
  }
  // ---- analytics insight tools ----
  if (deps.insights != nullptr) {
    tools.push_back(std::make_unique<BestTimeToPostTool>(*deps.insights));
    tools.push_back(std::make_unique<AnalyticsReportTool>(*deps.insights));
  }
  return tools;
}

}  // namespace herald::tools
