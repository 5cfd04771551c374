// Store: herald's one persistence contract, with two backends (SQLite, PostgreSQL).
//
// BLOCKING BY CONTRACT: every call does database I/O on the calling thread. Coroutines reach the
// store through base::RunBlocking on a pool owned by the caller, never on an I/O thread.
//
// All access goes through a transaction: Read() for read-only work, Write() for one read-write
// transaction, WriteBatched() to share a transaction (group commit) with concurrent writers.
// A Store is thread-safe; a Tx is used only by the thread running the callback and only
// during the callback. Every row-level call is scoped by org_id where the row has one.
#ifndef HERALD_STORE_STORE_H_
#define HERALD_STORE_STORE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/model.h"

namespace herald::store {

using base::Result;

// What a worker asks for when it claims jobs.
struct ClaimRequest {
  std::string owner;                 // lease owner: a per-process worker id
  Time now;
  std::chrono::milliseconds lease_for{60'000};
  int limit = 16;
  std::vector<JobKind> kinds;        // empty = any kind
};

// One transaction. Errors common to every call: kUnavailable when the database is busy or
// unreachable (the transaction is rolled back; retrying the whole transaction is safe),
// kInternal for anything unexpected. Not-found lookups return kNotFound. Inserts whose
// organization, post, account or target does not exist fail with kFailedPrecondition.
// Outcomes decided by the data (kNotFound, kAlreadyExists of an insert, kAborted, a state
// check's kFailedPrecondition) leave the transaction usable. A failed statement (kUnavailable,
// kInternal, a missing reference) does not: the store will not commit a transaction in which a
// statement failed (PostgreSQL has already aborted it), even if the callback carries on.
class Tx {
 public:
  virtual ~Tx() = default;

  // ---- organizations ----
  // Errors: kAlreadyExists if the id or name is taken.
  virtual Result<void> InsertOrganization(const Organization& org) = 0;
  virtual Result<Organization> GetOrganization(std::string_view id) = 0;
  virtual Result<Organization> GetOrganizationByName(std::string_view name) = 0;
  virtual Result<std::vector<Organization>> ListOrganizations() = 0;
  // Locks the organization's row until the transaction ends, so that check-then-write steps
  // spanning several rows of one organization (a count before an insert, "warned already?"
  // before a warning) take turns across processes. Errors: kNotFound.
  virtual Result<void> LockOrganization(std::string_view id) = 0;

  // ---- API keys ----
  // Errors: kAlreadyExists if the id or prefix is taken.
  virtual Result<void> InsertApiKey(const ApiKey& key) = 0;
  // The key with this visible prefix, revoked or not (the caller checks revoked_at).
  virtual Result<ApiKey> FindApiKeyByPrefix(std::string_view prefix) = 0;
  virtual Result<ApiKey> GetApiKey(std::string_view id) = 0;
  // Keys of `org_id`, or of every organization when it is empty; oldest first.
  virtual Result<std::vector<ApiKey>> ListApiKeys(std::string_view org_id) = 0;
  // Sets revoked_at. Errors: kNotFound; kFailedPrecondition if already revoked.
  virtual Result<void> RevokeApiKey(std::string_view id, Time at) = 0;
  virtual Result<void> TouchApiKey(std::string_view id, Time at) = 0;

  // ---- accounts ----
  // Inserts `account`, or, when (org_id, platform, external_id) exists, updates that row's
  // handle, display name, base_url, settings, credentials, status, expiry, last_error and
  // updated_at and keeps its id and created_at. Returns the stored row.
  virtual Result<Account> UpsertAccount(const Account& account) = 0;
  virtual Result<Account> GetAccount(std::string_view org_id, std::string_view id) = 0;
  // Accounts of the organization, oldest first (disconnected ones included).
  virtual Result<std::vector<Account>> ListAccounts(std::string_view org_id) = 0;
  // Replaces every mutable column of the row with `account.id` in `account.org_id`.
  virtual Result<void> UpdateAccount(const Account& account) = 0;

  // ---- OAuth grants ----
  // Errors: kAlreadyExists if the id is taken.
  virtual Result<void> InsertGrant(const OAuthGrant& grant) = 0;
  virtual Result<OAuthGrant> GetGrant(std::string_view org_id, std::string_view id) = 0;
  // Replaces credentials_sealed, status, token_expires_at, last_error and updated_at.
  // Errors: kNotFound.
  virtual Result<void> UpdateGrant(const OAuthGrant& grant) = 0;
  // The accounts pointing at the grant, oldest first (disconnected ones included).
  virtual Result<std::vector<Account>> ListGrantAccounts(std::string_view org_id,
                                                         std::string_view grant_id) = 0;
  // Points the account at `grant_id` and replaces its credentials with `credentials_sealed`,
  // only while it has no grant yet (one conditional UPDATE). Returns false when it already has
  // one (read it again). Errors: kNotFound.
  virtual Result<bool> AttachAccountToGrant(std::string_view org_id, std::string_view account_id,
                                            std::string_view grant_id,
                                            std::string_view credentials_sealed, Time now) = 0;
  // The grant's token-refresh lease (one refresh per grant across processes, whichever of its
  // accounts asked): takes it for `owner` until `until` when it is free, lapsed (its end <=
  // `now`) or already `owner`'s, AND the grant is active and still holds `credentials_sealed`
  // (what the caller read), all in one conditional UPDATE, so a refresh stored (or a reauth
  // marked) by another process between the caller's read and this call is never refreshed
  // again with the old, rotated token. Returns false when it was not taken (held, or the row
  // changed: read it again). Errors: kNotFound.
  virtual Result<bool> TakeGrantRefreshLease(std::string_view org_id, std::string_view grant_id,
                                             std::string_view credentials_sealed,
                                             std::string_view owner, Time until, Time now) = 0;
  // Frees the grant's lease if `owner` holds it; otherwise changes nothing.
  virtual Result<void> ReleaseGrantRefreshLease(std::string_view org_id,
                                                std::string_view grant_id,
                                                std::string_view owner) = 0;

  // ---- posts and targets ----
  virtual Result<void> InsertPost(const Post& post) = 0;
  virtual Result<Post> GetPost(std::string_view org_id, std::string_view id) = 0;
  // Replaces status, publish_at, time_zone, content and updated_at.
  virtual Result<void> UpdatePost(const Post& post) = 0;
  virtual Result<std::vector<Post>> ListPosts(const PostQuery& query) = 0;
  // GetPost that also locks the post's row until the transaction ends, so that concurrent
  // writers of the same post (e.g. two targets settling at once) take turns. The default locks
  // by rewriting the row; backends lock without writing.
  virtual Result<Post> LockPost(std::string_view org_id, std::string_view id) {
    HERALD_ASSIGN_OR_RETURN(Post post, GetPost(org_id, id));
    HERALD_RETURN_IF_ERROR(UpdatePost(post));
    return post;
  }
  // Sets only status and updated_at (UpdatePost rewrites the content too). Errors: kNotFound.
  virtual Result<void> SetPostStatus(std::string_view org_id, std::string_view id,
                                     PostStatus status, Time now) {
    HERALD_ASSIGN_OR_RETURN(Post post, GetPost(org_id, id));
    post.status = status;
    post.updated_at = now;
    return UpdatePost(post);
  }

  virtual Result<void> InsertTarget(const PostTarget& target) = 0;
  virtual Result<PostTarget> GetTarget(std::string_view org_id, std::string_view id) = 0;
  // Targets of a post, in insertion (id) order.
  virtual Result<std::vector<PostTarget>> ListTargets(std::string_view org_id,
                                                      std::string_view post_id) = 0;
  // Replaces every mutable column (status, external_id, url, attempts, last_error,
  // next_attempt_at, published_at, remote_state, updated_at).
  virtual Result<void> UpdateTarget(const PostTarget& target) = 0;
  // Inserts several targets in one statement (one round trip) where the backend can; the
  // default inserts them one by one. Errors: kAlreadyExists if any exists (others may have been
  // inserted: return the error so the transaction rolls back).
  virtual Result<void> InsertTargets(const std::vector<PostTarget>& targets) {
    for (const PostTarget& t : targets) HERALD_RETURN_IF_ERROR(InsertTarget(t));
    return base::Ok();
  }
  // Deletes a target and its jobs (used when an edit removes an account).
  virtual Result<void> DeleteTarget(std::string_view org_id, std::string_view id) = 0;

  // ---- the job queue ----
  // Enqueues; the wake-up signal fires after commit.
  virtual Result<void> InsertJob(const Job& job) = 0;
  // InsertJob for several jobs in one statement where the backend can (see InsertTargets).
  virtual Result<void> InsertJobs(const std::vector<Job>& jobs) {
    for (const Job& j : jobs) HERALD_RETURN_IF_ERROR(InsertJob(j));
    return base::Ok();
  }
  virtual Result<Job> GetJob(std::string_view id) = 0;
  virtual Result<std::vector<Job>> ListJobsForTarget(std::string_view target_id) = 0;
  // Claims due work: queued jobs with run_at <= now, and leased jobs whose lease expired,
  // earliest run_at first, at most one per account and none for an account that already has
  // an unexpired lease. Claimed jobs become leased to `owner` until now + lease_for, with
  // attempts incremented. Concurrent claimers (threads or processes) never get the same job.
  virtual Result<std::vector<Job>> ClaimJobs(const ClaimRequest& request) = 0;
  // The next three require the job to be leased by `owner` (fencing); otherwise kAborted
  // ("lease lost") and nothing changes.
  // Marks the job done.
  virtual Result<void> CompleteJob(std::string_view id, std::string_view owner, Time now) = 0;
  // Back to queued at `run_at` with `error` recorded; the wake-up signal fires after commit.
  virtual Result<void> RescheduleJob(std::string_view id, std::string_view owner, Time run_at,
                                     std::string_view error, Time now) = 0;
  // Marks the job failed with `error`.
  virtual Result<void> FailJob(std::string_view id, std::string_view owner,
                               std::string_view error, Time now) = 0;
  // Pushes the lease of a running job to `until`. Errors: kAborted if the lease is lost.
  virtual Result<void> ExtendLease(std::string_view id, std::string_view owner, Time until) = 0;
  // Changes run_at of a queued job. Errors: kFailedPrecondition if it is not queued.
  virtual Result<void> SetJobRunAt(std::string_view id, Time run_at, Time now) = 0;
  // Moves the queued publish jobs of `account_id` due before `run_at` to `run_at`, when pacing
  // holds the account until then (claimed one by one before it, each would only be postponed
  // again). Returns how many moved.
  virtual Result<int> DeferAccountPublishJobs(std::string_view account_id, Time run_at,
                                              Time now) = 0;
  // Cancels a queued job. Errors: kFailedPrecondition if it is leased, done or failed.
  virtual Result<void> CancelJob(std::string_view id, Time now) = 0;
  // Returns expired leases to queued (without touching attempts); returns how many.
  virtual Result<int> ReclaimExpiredLeases(Time now) = 0;
  // The earliest time work may become due: min(run_at of queued, lease_until of leased), or
  // nullopt when the queue is empty.
  virtual Result<std::optional<Time>> NextDueTime() = 0;

  // ---- media ----
  virtual Result<void> InsertMedia(const Media& media) = 0;
  // Metadata always; the bytes in `data` only when `with_data`.
  virtual Result<Media> GetMedia(std::string_view org_id, std::string_view id,
                                 bool with_data) = 0;
  // The item whatever its organization: only for serving a signed /media/ URL, whose signature
  // is the authorization. Never with the bytes.
  virtual Result<Media> GetMediaUnscoped(std::string_view id) = 0;
  // Newest first, at most `limit`, those created before the item `before_id` when it is set
  // (paging); kind "" = any.
  virtual Result<std::vector<Media>> ListMedia(std::string_view org_id, std::string_view kind,
                                               std::string_view before_id, int limit) = 0;
  // Sets `keep` and, when given, `last_used_at` (only ever moved forward).
  virtual Result<void> UpdateMediaUse(std::string_view org_id, std::string_view id,
                                      std::optional<bool> keep,
                                      std::optional<Time> last_used_at) = 0;
  // Removes the row and its variants (the caller removes the bytes). kNotFound if missing.
  virtual Result<void> DeleteMedia(std::string_view org_id, std::string_view id) = 0;
  // Posts still to be sent (draft, scheduled, publishing) whose content names the media.
  virtual Result<std::vector<std::string>> PendingPostsUsingMedia(std::string_view org_id,
                                                                  std::string_view media_id) = 0;
  // Unkept media of any organization created and last used before `cutoff` (never used counts
  // as unused), oldest first, at most `limit`.
  virtual Result<std::vector<Media>> ListUnusedMedia(Time cutoff, int limit) = 0;
  // Errors: kAlreadyExists when (media_id, spec_key) is there already.
  virtual Result<void> InsertMediaVariant(const MediaVariant& variant) = 0;
  virtual Result<MediaVariant> GetMediaVariant(std::string_view media_id,
                                               std::string_view spec_key) = 0;
  virtual Result<std::vector<MediaVariant>> ListMediaVariants(std::string_view media_id) = 0;

  // ---- metrics ----
  virtual Result<void> InsertMetrics(const Metrics& metrics) = 0;
  // The newest metrics for a target (target_id set) or an account (target_id empty).
  virtual Result<Metrics> LatestMetrics(std::string_view org_id, std::string_view account_id,
                                        std::string_view target_id) = 0;

  // ---- OAuth states ----
  virtual Result<void> InsertOAuthState(const OAuthState& state) = 0;
  // Marks the state used and returns it. Errors: kNotFound if unknown, already used or
  // expired at `now` (single use).
  virtual Result<OAuthState> ConsumeOAuthState(std::string_view state_hash, Time now) = 0;

  // ---- tool idempotency ----
  // The unexpired record for (org_id, key), if any.
  virtual Result<std::optional<IdempotencyRecord>> GetIdempotency(std::string_view org_id,
                                                                  std::string_view key,
                                                                  Time now) = 0;
  // Errors: kAlreadyExists if an unexpired record for (org_id, key) exists; an expired one is
  // replaced.
  virtual Result<void> InsertIdempotency(const IdempotencyRecord& record) = 0;

  // ---- audit log ----
  virtual Result<void> AppendAudit(const AuditEntry& entry) = 0;
  // Newest first.
  virtual Result<std::vector<AuditEntry>> ListAudit(std::string_view org_id, int limit) = 0;

  // ---- housekeeping ----
  // Deletes expired OAuth states and idempotency records; returns how many rows went.
  virtual Result<int> DeleteExpired(Time now) = 0;

  // ---- team: settings, approvals, audit queries, webhooks ----
  // Changes the key's role. Errors: kNotFound.
  virtual Result<void> SetApiKeyRole(std::string_view id, base::Role role) = 0;
  // The organization's settings; every default when none were stored.
  virtual Result<OrganizationSettings> GetOrganizationSettings(std::string_view org_id) = 0;
  // Inserts or replaces the organization's settings. Errors: kFailedPrecondition for an
  // unknown organization.
  virtual Result<void> PutOrganizationSettings(const OrganizationSettings& settings) = 0;
  // Inserts or replaces the approval record of `approval.post_id`.
  virtual Result<void> PutPostApproval(const PostApproval& approval) = 0;
  // Errors: kNotFound when the post never needed approval.
  virtual Result<PostApproval> GetPostApproval(std::string_view org_id,
                                               std::string_view post_id) = 0;
  // Audit entries matching `query`, newest first.
  virtual Result<std::vector<AuditEntry>> ListAuditEvents(const AuditQuery& query) = 0;
  // Deletes at most `limit` audit entries older than `cutoff` (oldest first); returns how many.
  virtual Result<int> DeleteAuditBefore(Time cutoff, int limit) = 0;
  // Errors: kAlreadyExists if the id is taken; kFailedPrecondition for an unknown organization.
  virtual Result<void> InsertWebhook(const Webhook& webhook) = 0;
  virtual Result<Webhook> GetWebhook(std::string_view org_id, std::string_view id) = 0;
  // Webhooks of `org_id`, oldest first.
  virtual Result<std::vector<Webhook>> ListWebhooks(std::string_view org_id) = 0;
  // Deletes the webhook and its deliveries not yet made. Errors: kNotFound.
  virtual Result<void> DeleteWebhook(std::string_view org_id, std::string_view id) = 0;
  // Errors: kAlreadyExists if the id is taken.
  virtual Result<void> InsertWebhookDeliveries(const std::vector<WebhookDelivery>& deliveries) = 0;
  // Claims pending deliveries due at `now` (next_attempt_at <= now, lease free or lapsed),
  // oldest first, leasing them to `owner` until `lease_until`. Concurrent claimers never get
  // the same delivery.
  virtual Result<std::vector<WebhookDelivery>> ClaimWebhookDeliveries(std::string_view owner,
                                                                      Time now, Time lease_until,
                                                                      int limit) = 0;
  // Records an attempt of a delivery leased by `owner`: state, attempts, next_attempt_at,
  // last_status, last_response and updated_at from `delivery`, and frees the lease.
  // Errors: kAborted when `owner` no longer holds the lease.
  virtual Result<void> FinishWebhookAttempt(const WebhookDelivery& delivery,
                                            std::string_view owner) = 0;
  // Deliveries of the organization (of one webhook when `webhook_id` is set), newest first.
  virtual Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(
      std::string_view org_id, std::string_view webhook_id, int limit) = 0;
  // The earliest next_attempt_at of a pending delivery, if any.
  virtual Result<std::optional<Time>> NextWebhookDeliveryTime() = 0;
  // Deletes at most `limit` deliveries that are over (delivered or given up) and were last
  // updated before `cutoff`, oldest first; pending ones stay. Returns how many went.
  virtual Result<int> DeleteSettledWebhookDeliveries(Time cutoff, int limit) = 0;
  // ---- backup ----
  // The tables holding herald's data (the migration bookkeeping excluded), parents before
  // children by foreign key, each with its columns and primary key, read from the catalog.
  virtual Result<std::vector<BackupTable>> ListBackupTables() = 0;
  virtual Result<int64_t> CountBackupRows(const BackupTable& table) = 0;
  // Calls `sink` with every row of `table` in primary-key order, reading a page at a time (the
  // sink may move the row's cells out). Stops at the first error `sink` returns.
  virtual Result<void> ScanBackupRows(const BackupTable& table,
                                      const std::function<Result<void>(BackupRow&)>& sink) = 0;
  // Inserts `rows` (cells in `columns` order) into `table`. Errors: kAlreadyExists when a row
  // is there already; kInvalidArgument when a column is not one of the table's.
  virtual Result<void> InsertBackupRows(const BackupTable& table,
                                        const std::vector<std::string>& columns,
                                        const std::vector<BackupRow>& rows) = 0;
  // After a restore into `table`: moves its generated-id counters past the restored ids (so the
  // next insert does not collide); a no-op where the database does that itself.
  virtual Result<void> FinishBackupRestore(const BackupTable& table) = 0;
  // ---- web console sessions ----
  // Errors: kAlreadyExists for a token_hash already stored.
  virtual Result<void> InsertConsoleSession(const ConsoleSession& session) = 0;
  // The session unexpired at `now`. Errors: kNotFound (unknown, expired or signed out).
  virtual Result<ConsoleSession> GetConsoleSession(std::string_view token_hash, Time now) = 0;
  // Signs out: removes the session (no error when it is already gone).
  virtual Result<void> DeleteConsoleSession(std::string_view token_hash) = 0;
  // Removes sessions expired at `now`; returns how many went.
  virtual Result<int> DeleteExpiredConsoleSessions(Time now) = 0;

  // ---- herald's OAuth authorization server (MCP clients) ----
  // Errors: kAlreadyExists for a client_id already registered.
  virtual Result<void> InsertOAuthClient(const OAuthClient& client) = 0;
  // Errors: kNotFound.
  virtual Result<OAuthClient> GetOAuthClient(std::string_view client_id) = 0;
  // Errors: kAlreadyExists for a code_hash already stored; kFailedPrecondition for an unknown
  // organization.
  virtual Result<void> InsertOAuthCode(const OAuthCode& code) = 0;
  // The code, used or not, expired or not (the caller decides). Errors: kNotFound.
  virtual Result<OAuthCode> GetOAuthCode(std::string_view code_hash) = 0;
  // Sets used_at = `at` on a code not used yet. Errors: kAborted when it was used already
  // (another exchange won), kNotFound.
  virtual Result<void> MarkOAuthCodeUsed(std::string_view code_hash, Time at) = 0;
  // Errors: kAlreadyExists for a token_hash already stored; kFailedPrecondition for an unknown
  // organization.
  virtual Result<void> InsertOAuthToken(const OAuthToken& token) = 0;
  // The token, whatever its state (the caller checks expiry, used_at, revoked_at).
  // Errors: kNotFound.
  virtual Result<OAuthToken> GetOAuthToken(std::string_view token_hash) = 0;
  // Sets used_at = `at` on a token not used yet (a refresh token being rotated). Errors:
  // kAborted when it was used already, kNotFound.
  virtual Result<void> MarkOAuthTokenUsed(std::string_view token_hash, Time at) = 0;
  // Sets revoked_at = `at` on every unrevoked token of `family_id`; returns how many.
  virtual Result<int> RevokeOAuthTokenFamily(std::string_view family_id, Time at) = 0;
  // Removes codes and tokens that expired before `cutoff`, and clients registered before it
  // that hold neither any more; returns how many went.
  virtual Result<int> DeleteExpiredOAuthGrants(Time cutoff) = 0;

  // ---- analytics ----
  // The samples (InsertMetrics) of a target (target_id set) or of an account (target_id ""),
  // fetched_at in [from, to), oldest first, at most `limit` (0 = all).
  virtual Result<std::vector<Metrics>> ListMetrics(std::string_view org_id,
                                                   std::string_view account_id,
                                                   std::string_view target_id, Time from, Time to,
                                                   int limit) = 0;
  // Inserts the post, or updates the row with the same (account_id, remote_id): platform, url,
  // published_at and text_excerpt always (when non-empty); post_id and target_id only when set
  // (an import never unlinks a herald post); metrics and collected_at only when `collected_at` is
  // set and not older than the stored one. Errors: kInvalidArgument without account or remote id.
  virtual Result<void> UpsertAnalyticsPost(const AnalyticsPost& post) = 0;
  // UpsertAnalyticsPost for each post (a history import), in one transaction.
  virtual Result<void> UpsertAnalyticsPosts(const std::vector<AnalyticsPost>& posts) = 0;
  // Posts published in [query.from, query.to) with their latest metrics, oldest first (ties by
  // account, remote id). Walks an index on (org_id, published_at).
  virtual Result<std::vector<AnalyticsPost>> ListAnalyticsPosts(
      const AnalyticsPostQuery& query) = 0;
  // The organization's analytics revision: raised by every write to its analytics posts, in
  // commit order (concurrent writers of one organization wait for each other); 0 before the
  // first write.
  virtual Result<int64_t> GetAnalyticsRevision(std::string_view org_id) = 0;
  // The organization's analytics posts last written at a revision up to `up_to` that come after
  // `cursor` in (revision, account_id, remote_id) order, at most `limit` (0 = all). Start with
  // {.revision = the last revision read} (-1: every post; rows from before revisions existed
  // have 0) and go on from the last post returned until fewer than `limit` come back.
  virtual Result<std::vector<AnalyticsPost>> ListAnalyticsPostsChanged(
      std::string_view org_id, const AnalyticsChangeCursor& cursor, int64_t up_to, int limit) = 0;
  // One analytics post by its key. Errors: kNotFound (also for another organization's post).
  virtual Result<AnalyticsPost> GetAnalyticsPost(std::string_view org_id,
                                                 std::string_view account_id,
                                                 std::string_view remote_id) = 0;
  // The analytics rows of one herald post (one per measured target), by target id.
  virtual Result<std::vector<AnalyticsPost>> ListAnalyticsPostsOfPost(std::string_view org_id,
                                                                      std::string_view post_id) = 0;
  // Inserts the plan entry (account_id, target_id) or replaces all its columns; the lease is
  // cleared.
  virtual Result<void> UpsertCollectionTask(const CollectionTask& task) = 0;
  // Errors: kNotFound.
  virtual Result<CollectionTask> GetCollectionTask(std::string_view org_id,
                                                   std::string_view account_id,
                                                   std::string_view target_id) = 0;
  // The plan of an organization (account_id "") or of one account, by next_at.
  virtual Result<std::vector<CollectionTask>> ListCollectionTasks(std::string_view org_id,
                                                                  std::string_view account_id) = 0;
  // Claims due entries of any organization: next_at <= now and unleased (or the lease lapsed),
  // earliest first, at most `limit`; each becomes leased to `owner` until now + lease_for.
  // Concurrent claimers (threads or processes) never get the same entry.
  virtual Result<std::vector<CollectionTask>> ClaimCollectionTasks(
      std::string_view owner, Time now, std::chrono::milliseconds lease_for, int limit) = 0;
  // Settles a claimed entry: writes its next_at, stage, failures and last_error and frees the
  // lease. Errors: kAborted ("lease lost") when `owner` does not hold it; nothing changes.
  virtual Result<void> SettleCollectionTask(const CollectionTask& task, std::string_view owner) = 0;
  // Removes the entry (its plan is over, or the account is gone); Ok when there is none.
  virtual Result<void> DeleteCollectionTask(std::string_view org_id, std::string_view account_id,
                                            std::string_view target_id) = 0;
  // The earliest time an entry may become due (next_at, or lease_until of a leased one), or
  // nullopt when the plan is empty.
  virtual Result<std::optional<Time>> NextCollectionDue() = 0;
};

// A transaction body. It must not call back into the Store (the transaction holds a connection;
// on SQLite, the single writer).
using TxFn = std::function<Result<void>(Tx&)>;

struct StoreOptions {
  // "sqlite:PATH", "sqlite::memory:", or "postgresql://..." / "postgres://...".
  std::string url;
  // Apply pending migrations when opening (herald serve does; tests may too).
  bool migrate = true;
  // PostgreSQL connection pool size; SQLite reader connections.
  int pool_size = 8;
  // How long SQLite waits for a lock before kUnavailable (and how long either backend waits for
  // a free pooled connection).
  std::chrono::milliseconds busy_timeout{5'000};
  // PostgreSQL connect timeout.
  std::chrono::seconds connect_timeout{5};
  // PostgreSQL: how many group-commit (WriteBatched) transactions may run at once, each on its
  // own connection (at most pool_size). A few large batches beat many small ones: every batch
  // that enqueues jobs NOTIFYs, and PostgreSQL serialises NOTIFYing commits; more than one hides
  // round-trip latency. SQLite always runs one.
  int group_commit_connections = 4;
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;

  // Runs `fn` in a read-only transaction.
  virtual Result<void> Read(const TxFn& fn) = 0;
  // Runs `fn` in one read-write transaction: committed if `fn` returns Ok, rolled back
  // otherwise (and the error returned). kUnavailable when the commit failed.
  virtual Result<void> Write(const TxFn& fn) = 0;
  // Group commit: `fn` runs in a transaction shared with other concurrent WriteBatched callers,
  // inside its own savepoint; if `fn` fails only its own work is rolled back. Returns after the
  // shared transaction committed (Ok), or with the error of `fn`, or with the commit error.
  // `fn` may run on another caller's thread (whichever is committing the batch) and must not
  // call back into the Store; it runs once.
  virtual Result<void> WriteBatched(TxFn fn) = 0;

  // Registers `callback`, called (on a store-owned thread, after commit) whenever jobs were
  // enqueued or rescheduled: by this process, or, on PostgreSQL, by any process (LISTEN/NOTIFY).
  // The callback must be cheap and must not call back into the Store. One callback per store.
  virtual void SetJobsChangedCallback(std::function<void()> callback) = 0;

  // Schema versions: the highest this herald knows, and the one the database is at.
  virtual int KnownSchemaVersion() const = 0;
  virtual Result<int> SchemaVersion() = 0;
  // Applies pending migrations; safe to run twice and from two processes at once.
  // Errors: kFailedPrecondition if the database was migrated by a newer herald.
  virtual Result<int> Migrate() = 0;
};

// Opens the store named by options.url. Errors (each with one clear line for the user):
// kInvalidArgument for an unknown scheme or malformed URL; kUnavailable for an unreachable or
// locked database; kFailedPrecondition for a schema newer than this herald or a file that is
// not a herald database; kDataLoss-like corruption is reported as kFailedPrecondition.
// Never deletes or overwrites anything on failure.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

// Convenience: runs `fn(tx) -> Result<T>` in Read/Write and returns its value.
template <class T, class F>
Result<T> ReadValue(Store& store, F&& fn) {
  std::optional<Result<T>> out;
  Result<void> r = store.Read([&](Tx& tx) -> Result<void> {
    out.emplace(fn(tx));
    if (!out->ok()) return out->error();
    return base::Ok();
  });
  if (!r.ok()) return std::move(r).error();
  return std::move(*out);
}
template <class T, class F>
Result<T> WriteValue(Store& store, F&& fn) {
  std::optional<Result<T>> out;
  Result<void> r = store.Write([&](Tx& tx) -> Result<void> {
    out.emplace(fn(tx));
    if (!out->ok()) return out->error();
    return base::Ok();
  });
  if (!r.ok()) return std::move(r).error();
  return std::move(*out);
}

}  // namespace herald::store

#endif  // HERALD_STORE_STORE_H_
