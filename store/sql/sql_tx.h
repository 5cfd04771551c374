// SqlTx: the portable implementation of store::Tx over one SqlConnection inside an open
// transaction. The same SQL runs on SQLite and PostgreSQL; the few differences come from the
// Backend's Dialect (claim locking, id lists).
//
// Created by SqlStore for one transaction (or one group-commit unit) and used by one thread
// during the callback only. Not thread-safe.
#ifndef HERALD_STORE_SQL_SQL_TX_H_
#define HERALD_STORE_SQL_SQL_TX_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/backend.h"
#include "store/sql/connection.h"
#include "store/store.h"

namespace herald::store::sql {

class SqlTx final : public Tx {
 public:
  SqlTx(SqlConnection& conn, const Dialect& dialect) : conn_(conn), dialect_(dialect) {}

  // True once the transaction enqueued or rescheduled jobs (the store then signals waiters,
  // after commit).
  bool jobs_changed() const { return jobs_changed_; }
  // The first statement error seen, if any. On PostgreSQL a failed statement aborts the whole
  // transaction, so the store must not commit (it would silently roll back) even if the
  // callback swallowed the error.
  const std::optional<base::Error>& first_error() const { return first_error_; }

  Result<void> InsertOrganization(const Organization& org) override;
  Result<Organization> GetOrganization(std::string_view id) override;
  Result<Organization> GetOrganizationByName(std::string_view name) override;
  Result<std::vector<Organization>> ListOrganizations() override;
  Result<void> LockOrganization(std::string_view id) override;

  Result<void> InsertApiKey(const ApiKey& key) override;
  Result<ApiKey> FindApiKeyByPrefix(std::string_view prefix) override;
  Result<ApiKey> GetApiKey(std::string_view id) override;
  Result<std::vector<ApiKey>> ListApiKeys(std::string_view org_id) override;
  Result<void> RevokeApiKey(std::string_view id, Time at) override;
  Result<void> TouchApiKey(std::string_view id, Time at) override;

  Result<Account> UpsertAccount(const Account& account) override;
  Result<Account> GetAccount(std::string_view org_id, std::string_view id) override;
  Result<std::vector<Account>> ListAccounts(std::string_view org_id) override;
  Result<void> UpdateAccount(const Account& account) override;
  Result<void> InsertGrant(const OAuthGrant& grant) override;
  Result<OAuthGrant> GetGrant(std::string_view org_id, std::string_view id) override;
  Result<void> UpdateGrant(const OAuthGrant& grant) override;
  Result<std::vector<Account>> ListGrantAccounts(std::string_view org_id,
                                                 std::string_view grant_id) override;
  Result<bool> AttachAccountToGrant(std::string_view org_id, std::string_view account_id,
                                    std::string_view grant_id,
                                    std::string_view credentials_sealed, Time now) override;
  Result<bool> TakeGrantRefreshLease(std::string_view org_id, std::string_view grant_id,
                                     std::string_view credentials_sealed, std::string_view owner,
                                     Time until, Time now) override;
  Result<void> ReleaseGrantRefreshLease(std::string_view org_id, std::string_view grant_id,
                                        std::string_view owner) override;

  Result<void> InsertPost(const Post& post) override;
  Result<Post> GetPost(std::string_view org_id, std::string_view id) override;
  Result<void> UpdatePost(const Post& post) override;
  Result<Post> LockPost(std::string_view org_id, std::string_view id) override;
  Result<void> SetPostStatus(std::string_view org_id, std::string_view id, PostStatus status,
                             Time now) override;
  Result<std::vector<Post>> ListPosts(const PostQuery& query) override;

  Result<void> InsertTarget(const PostTarget& target) override;
  Result<PostTarget> GetTarget(std::string_view org_id, std::string_view id) override;
  Result<std::vector<PostTarget>> ListTargets(std::string_view org_id,
                                              std::string_view post_id) override;
  Result<void> InsertTargets(const std::vector<PostTarget>& targets) override;
  Result<void> UpdateTarget(const PostTarget& target) override;
  Result<void> DeleteTarget(std::string_view org_id, std::string_view id) override;

  Result<void> InsertJob(const Job& job) override;
  Result<void> InsertJobs(const std::vector<Job>& jobs) override;
  Result<Job> GetJob(std::string_view id) override;
  Result<std::vector<Job>> ListJobsForTarget(std::string_view target_id) override;
  Result<std::vector<Job>> ClaimJobs(const ClaimRequest& request) override;
  Result<void> CompleteJob(std::string_view id, std::string_view owner, Time now) override;
  Result<void> RescheduleJob(std::string_view id, std::string_view owner, Time run_at,
                             std::string_view error, Time now) override;
  Result<void> FailJob(std::string_view id, std::string_view owner, std::string_view error,
                       Time now) override;
  Result<void> ExtendLease(std::string_view id, std::string_view owner, Time until) override;
  Result<int> DeferAccountPublishJobs(std::string_view account_id, Time run_at, Time now) override;
  Result<void> SetJobRunAt(std::string_view id, Time run_at, Time now) override;
  Result<void> CancelJob(std::string_view id, Time now) override;
  Result<int> ReclaimExpiredLeases(Time now) override;
  Result<std::optional<Time>> NextDueTime() override;

  Result<void> InsertMedia(const Media& media) override;
  Result<Media> GetMedia(std::string_view org_id, std::string_view id, bool with_data) override;
  Result<Media> GetMediaUnscoped(std::string_view id) override;
  Result<std::vector<Media>> ListMedia(std::string_view org_id, std::string_view kind,
                                       std::string_view before_id, int limit) override;
  Result<void> UpdateMediaUse(std::string_view org_id, std::string_view id,
                              std::optional<bool> keep, std::optional<Time> last_used_at) override;
  Result<void> DeleteMedia(std::string_view org_id, std::string_view id) override;
  Result<std::vector<std::string>> PendingPostsUsingMedia(std::string_view org_id,
                                                          std::string_view media_id) override;
  Result<std::vector<Media>> ListUnusedMedia(Time cutoff, int limit) override;
  Result<void> InsertMediaVariant(const MediaVariant& variant) override;
  Result<MediaVariant> GetMediaVariant(std::string_view media_id,
                                       std::string_view spec_key) override;
  Result<std::vector<MediaVariant>> ListMediaVariants(std::string_view media_id) override;

  Result<void> InsertMetrics(const Metrics& metrics) override;
  Result<Metrics> LatestMetrics(std::string_view org_id, std::string_view account_id,
                                std::string_view target_id) override;

  Result<void> InsertOAuthState(const OAuthState& state) override;
  Result<OAuthState> ConsumeOAuthState(std::string_view state_hash, Time now) override;

  Result<std::optional<IdempotencyRecord>> GetIdempotency(std::string_view org_id,
                                                          std::string_view key,
                                                          Time now) override;
  Result<void> InsertIdempotency(const IdempotencyRecord& record) override;

  Result<void> AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(std::string_view org_id, int limit) override;

  Result<int> DeleteExpired(Time now) override;

  // ---- team: settings, approvals, audit queries, webhooks ----
  Result<void> SetApiKeyRole(std::string_view id, base::Role role) override;
  Result<OrganizationSettings> GetOrganizationSettings(std::string_view org_id) override;
  Result<void> PutOrganizationSettings(const OrganizationSettings& settings) override;
  Result<void> PutPostApproval(const PostApproval& approval) override;
  Result<PostApproval> GetPostApproval(std::string_view org_id, std::string_view post_id) override;
  Result<std::vector<AuditEntry>> ListAuditEvents(const AuditQuery& query) override;
  Result<int> DeleteAuditBefore(Time cutoff, int limit) override;
  Result<int> DeleteSettledWebhookDeliveries(Time cutoff, int limit) override;
  Result<void> InsertWebhook(const Webhook& webhook) override;
  Result<Webhook> GetWebhook(std::string_view org_id, std::string_view id) override;
  Result<std::vector<Webhook>> ListWebhooks(std::string_view org_id) override;
  Result<void> DeleteWebhook(std::string_view org_id, std::string_view id) override;
  Result<void> InsertWebhookDeliveries(const std::vector<WebhookDelivery>& deliveries) override;
  Result<std::vector<WebhookDelivery>> ClaimWebhookDeliveries(std::string_view owner, Time now,
                                                              Time lease_until,
                                                              int limit) override;
  Result<void> FinishWebhookAttempt(const WebhookDelivery& delivery,
                                    std::string_view owner) override;
  Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(std::string_view org_id,
                                                             std::string_view webhook_id,
                                                             int limit) override;
  Result<std::optional<Time>> NextWebhookDeliveryTime() override;
  // ---- backup ----
  Result<std::vector<BackupTable>> ListBackupTables() override;
  Result<int64_t> CountBackupRows(const BackupTable& table) override;
  Result<void> ScanBackupRows(const BackupTable& table,
                              const std::function<Result<void>(BackupRow&)>& sink) override;
  Result<void> InsertBackupRows(const BackupTable& table, const std::vector<std::string>& columns,
                                const std::vector<BackupRow>& rows) override;
  Result<void> FinishBackupRestore(const BackupTable& table) override;
  // ---- web console sessions ----
  Result<void> InsertConsoleSession(const ConsoleSession& session) override;
  Result<ConsoleSession> GetConsoleSession(std::string_view token_hash, Time now) override;
  Result<void> DeleteConsoleSession(std::string_view token_hash) override;
  Result<int> DeleteExpiredConsoleSessions(Time now) override;
  // ---- herald's OAuth authorization server ----
  Result<void> InsertOAuthClient(const OAuthClient& client) override;
  Result<OAuthClient> GetOAuthClient(std::string_view client_id) override;
  Result<void> InsertOAuthCode(const OAuthCode& code) override;
  Result<OAuthCode> GetOAuthCode(std::string_view code_hash) override;
  Result<void> MarkOAuthCodeUsed(std::string_view code_hash, Time at) override;
  Result<void> InsertOAuthToken(const OAuthToken& token) override;
  Result<OAuthToken> GetOAuthToken(std::string_view token_hash) override;
  Result<void> MarkOAuthTokenUsed(std::string_view token_hash, Time at) override;
  Result<int> RevokeOAuthTokenFamily(std::string_view family_id, Time at) override;
  Result<int> DeleteExpiredOAuthGrants(Time cutoff) override;

  // ---- analytics ----
  Result<std::vector<Metrics>> ListMetrics(std::string_view org_id, std::string_view account_id,
                                           std::string_view target_id, Time from, Time to,
                                           int limit) override;
  Result<void> UpsertAnalyticsPost(const AnalyticsPost& post) override;
  Result<void> UpsertAnalyticsPosts(const std::vector<AnalyticsPost>& posts) override;
  Result<int64_t> GetAnalyticsRevision(std::string_view org_id) override;
  Result<std::vector<AnalyticsPost>> ListAnalyticsPostsChanged(std::string_view org_id,
                                                               const AnalyticsChangeCursor& cursor,
                                                               int64_t up_to, int limit) override;
  Result<AnalyticsPost> GetAnalyticsPost(std::string_view org_id, std::string_view account_id,
                                         std::string_view remote_id) override;
  Result<std::vector<AnalyticsPost>> ListAnalyticsPosts(const AnalyticsPostQuery& query) override;
  Result<std::vector<AnalyticsPost>> ListAnalyticsPostsOfPost(std::string_view org_id,
                                                              std::string_view post_id) override;
  Result<void> UpsertCollectionTask(const CollectionTask& task) override;
  Result<CollectionTask> GetCollectionTask(std::string_view org_id, std::string_view account_id,
                                           std::string_view target_id) override;
  Result<std::vector<CollectionTask>> ListCollectionTasks(std::string_view org_id,
                                                          std::string_view account_id) override;
  Result<std::vector<CollectionTask>> ClaimCollectionTasks(std::string_view owner, Time now,
                                                           std::chrono::milliseconds lease_for,
                                                           int limit) override;
  Result<void> SettleCollectionTask(const CollectionTask& task, std::string_view owner) override;
  Result<void> DeleteCollectionTask(std::string_view org_id, std::string_view account_id,
                                    std::string_view target_id) override;
  Result<std::optional<Time>> NextCollectionDue() override;

 private:
  // Runs one statement, remembering the first failure.
  Result<Rows> Exec(std::string_view sql, const Params& params);
  // Raises the organization's analytics revision and returns the new value.
  Result<int64_t> NextAnalyticsRevision(std::string_view org_id);
  // UpsertAnalyticsPost at `revision`.
  Result<void> UpsertAnalyticsPostAt(const AnalyticsPost& post, int64_t revision);
  // `column IN (...)` for `ids`, appending the parameters.
  std::string IdSet(std::string_view column, const std::vector<std::string>& ids,
                    Params& params) const;
  // Distinguishes "no such row" from "row in the wrong state" after a conditional UPDATE
  // changed nothing.
  Result<bool> JobExists(std::string_view id);
  // INSERT ... VALUES (row), (row), ... ON CONFLICT DO NOTHING for `rows` rows of `columns`
  // columns; returns how many were inserted.
  Result<int64_t> InsertRows(std::string_view table, std::string_view column_list, int columns,
                             size_t rows, const Params& params);
  // Shared by the three fenced job transitions.
  Result<void> FencedJobUpdate(std::string_view sql, Params params);

  SqlConnection& conn_;
  const Dialect& dialect_;
  bool jobs_changed_ = false;
  std::optional<base::Error> first_error_;
};

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_SQL_TX_H_
