// The stored data model: plain structs, one per table (see ../shared/ARCHITECTURE.md).
//
// Times are base::Time (UTC, microseconds). Free-form parts (post content, account settings,
// job payloads, remote state) are JSON. Secrets are only ever held here already sealed
// (base::Keyring::Seal); the store never sees a token in clear.
#ifndef HERALD_STORE_MODEL_H_
#define HERALD_STORE_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/caller.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "store/sql/value.h"

namespace herald::store {

using base::Json;
using base::Time;

// ---- organizations and keys ----

struct Organization {
  std::string id;    // org_...
  std::string name;  // unique, e.g. "default"
  Time created_at;
};

struct ApiKey {
  std::string id;      // key_...
  std::string org_id;
  std::string name;
  base::Role role = base::Role::kViewer;  // base/caller.h
  std::string prefix;  // the visible start of the key, unique, used to find it
  std::string hash;    // SHA-256 hex of the whole key; the key itself is never stored
  Time created_at;
  std::optional<Time> last_used_at;
  std::optional<Time> revoked_at;
};

// ---- accounts ----

enum class AccountStatus { kActive, kNeedsReauth, kDisconnected };
std::string_view AccountStatusName(AccountStatus s);  // "active" | "needs_reauth" | "disconnected"
base::Result<AccountStatus> ParseAccountStatus(std::string_view name);

struct Account {
  std::string id;           // acc_...
  std::string org_id;
  std::string platform;     // "mastodon", "bluesky", ...
  std::string external_id;  // the network's id for the account; unique per (org, platform)
  std::string handle;       // "@alice@mastodon.social", "alice.bsky.social", ...
  std::string display_name;
  std::string base_url;     // the instance / service / API base the account talks to
  Json settings = Json::object();  // non-secret per-account settings (chat_id, channel, ...)
  std::string credentials_sealed;  // base::Keyring::Seal output; never clear text
  AccountStatus status = AccountStatus::kActive;
  std::optional<Time> token_expires_at;
  std::string last_error;
  Time created_at;
  Time updated_at;
  // The OAuth grant whose tokens the account uses (OAuthGrant::id); empty for token networks
  // and for OAuth accounts whose tokens are still their own (connected before grants existed).
  // For an account with a grant, credentials_sealed holds only its own non-token credentials
  // (a Page token, ...), and status / token_expires_at mirror the grant's.
  std::string grant_id;
  // False when the token expires (token_expires_at) and herald cannot renew it (the network gave
  // no refresh token): the account must be reconnected before then.
  bool token_refreshable = true;
};

// One OAuth authorization of one organization at one network. Several accounts may point at it
// (Account::grant_id): it holds their shared tokens. status kDisconnected once its last account
// was disconnected (credentials erased) or a reconnection replaced it.
struct OAuthGrant {
  std::string id;        // grant_...
  std::string org_id;
  std::string platform;  // the network that was connected ("linkedin", not "linkedin_page")
  std::string credentials_sealed;  // the token set (platforms/oauth/token_set.h), sealed
  AccountStatus status = AccountStatus::kActive;
  std::optional<Time> token_expires_at;
  std::string last_error;
  Time created_at;
  Time updated_at;
};

// ---- posts, targets ----

enum class PostStatus {
  kDraft, kScheduled, kPublishing, kPublished, kPartiallyPublished, kFailed, kCancelled,
  kPendingApproval  // written or changed by an editor under require_approval; not queued
};
std::string_view PostStatusName(PostStatus s);  // snake_case, e.g. "partially_published"
base::Result<PostStatus> ParsePostStatus(std::string_view name);

enum class TargetStatus { kQueued, kPublishing, kPublished, kFailed, kCancelled, kUnknown };
std::string_view TargetStatusName(TargetStatus s);
base::Result<TargetStatus> ParseTargetStatus(std::string_view name);

// Removing a published target from its network (delete_post, done by a delete job): kNone
// until a deletion is asked for; kDeleting while its job runs; then kDeleted (the target is
// also cancelled) or kFailed with PostTarget::deletion_error.
enum class DeletionStatus { kNone, kDeleting, kDeleted, kFailed };
// "" | "deleting" | "deleted" | "delete_failed"
std::string_view DeletionStatusName(DeletionStatus s);
base::Result<DeletionStatus> ParseDeletionStatus(std::string_view name);

struct Post {
  std::string id;  // post_...
  std::string org_id;
  PostStatus status = PostStatus::kDraft;
  std::optional<Time> publish_at;  // absent for an unscheduled draft
  std::string time_zone;           // IANA name the user gave, for display; may be empty
  // {text, media: [ids], thread: [{text, media}], overrides: {account_id: {text, media}}}
  Json content = Json::object();
  std::string created_by;  // key_... of the caller, or "" for the local operator
  Time created_at;
  Time updated_at;
};

struct PostTarget {
  std::string id;  // tgt_...
  std::string post_id;
  std::string org_id;
  std::string account_id;
  std::string platform;
  TargetStatus status = TargetStatus::kQueued;
  // Stable idempotency identity, reused on every attempt (Idempotency-Key, record key, nonce).
  std::string idempotency_key;
  std::string external_id;  // the network's id of the published post (first of a thread)
  std::string url;
  int attempts = 0;
  std::string last_error;
  std::optional<Time> next_attempt_at;
  std::optional<Time> published_at;
  // What the network holds so far: e.g. ids of thread parts already posted, upload handles.
  // Written before and after each remote step so a restart resumes rather than repeats.
  Json remote_state = Json::object();
  Time created_at;
  Time updated_at;
  DeletionStatus deletion = DeletionStatus::kNone;  // see DeletionStatus
  std::string deletion_error;  // why the deletion failed (kFailed), or the last transient error
};

// Filter and page for ListPosts. Newest first by (created_at, id).
struct PostQuery {
  std::string org_id;
  std::optional<PostStatus> status;
  std::string account_id;      // only posts with a target on this account
  std::optional<Time> from;    // publish_at >= from
  std::optional<Time> to;      // publish_at < to
  int limit = 50;
  std::string after_id;        // page cursor: the last id of the previous page ("" = first page)
};

// ---- jobs ----

enum class JobKind { kPublish, kDelete, kMetrics, kRefresh };
std::string_view JobKindName(JobKind k);  // "publish" | "delete" | "metrics" | "refresh"
base::Result<JobKind> ParseJobKind(std::string_view name);

enum class JobState { kQueued, kLeased, kDone, kFailed, kCancelled };
std::string_view JobStateName(JobState s);
base::Result<JobState> ParseJobState(std::string_view name);

struct Job {
  std::string id;  // job_...
  std::string org_id;
  JobKind kind = JobKind::kPublish;
  std::string target_id;   // the post target it works on ("" for account-level jobs)
  std::string account_id;  // at most one leased job per account at a time
  Time run_at;
  JobState state = JobState::kQueued;
  int attempts = 0;        // incremented by each claim
  std::string lease_owner;
  std::optional<Time> lease_until;
  std::string last_error;
  Json payload = Json::object();
  Time created_at;
  Time updated_at;
};

// ---- media, metrics ----

struct Media {
  std::string id;  // med_...
  std::string org_id;
  std::string mime_type;  // "image/png", "video/mp4", ... (sniffed from the bytes)
  std::string file_name;
  std::string alt_text;
  std::string sha256;     // hex of the bytes
  int64_t size = 0;       // bytes
  // Rows made before schema 3 hold their bytes here (storage_key ""); filled only by
  // GetMedia(with_data = true).
  std::string data;
  Time created_at;
  std::string storage_key;    // the MediaStore key of the bytes ("" = in `data`)
  std::string kind = "image";  // "image" | "video" | "audio"
  Json probe = Json::object();  // the MediaProbe, as JSON
  std::string thumbnail_key;  // MediaStore key of a JPEG preview, or ""
  bool keep = false;          // kept explicitly: never removed as unused
  std::optional<Time> last_used_at;  // when a post last took it
};

// One conversion of a media item for a network's rules, made once and reused.
struct MediaVariant {
  std::string media_id;
  std::string spec_key;      // platforms::ConversionSpec::Key()
  std::string storage_key;
  std::string mime_type;
  int64_t size = 0;
  Json probe = Json::object();
  Time created_at;
};

struct Metrics {
  std::string org_id;
  std::string target_id;   // "" for account-level metrics
  std::string account_id;
  Time fetched_at;
  Json values = Json::object();  // {likes, reposts, replies, views, followers, ...}
};

// ---- OAuth, idempotency, audit ----

struct OAuthState {
  std::string state_hash;  // SHA-256 hex of the state sent in the URL; the state is not stored
  std::string org_id;
  std::string platform;
  std::string created_by;
  std::string verifier_sealed;     // PKCE code verifier, sealed
  std::string redirect_uri;
  Json data = Json::object();      // extra parameters to finish the connection
  Time created_at;
  Time expires_at;
  std::optional<Time> used_at;
};

struct IdempotencyRecord {
  std::string org_id;
  std::string key;           // the caller's idempotency_key
  std::string tool;          // e.g. "schedule_post"
  std::string request_hash;  // SHA-256 hex of the canonical arguments
  Json response;             // the first result, returned again on repeats
  Time created_at;
  Time expires_at;
};

struct AuditEntry {
  int64_t id = 0;  // assigned by the store
  std::string org_id;
  std::string actor;    // key_... or "local"
  std::string action;   // "post.create", "account.connect", "key.revoke", ...
  std::string subject;  // the id acted on
  Json detail = Json::object();  // never a secret
  Time at;
};

// ---- team: organization settings, approvals, audit queries, webhooks ----

// Per-organization settings (one row per organization; absent = every default).
struct OrganizationSettings {
  std::string org_id;
  bool require_approval = false;  // posts created or changed by editors wait for an approver
  Time updated_at;
};

enum class ApprovalState { kPending, kApproved, kRejected };
std::string_view ApprovalStateName(ApprovalState s);  // "pending" | "approved" | "rejected"
base::Result<ApprovalState> ParseApprovalState(std::string_view name);

// The approval record of a post (one row per post, the latest request and decision).
struct PostApproval {
  std::string post_id;
  std::string org_id;
  ApprovalState state = ApprovalState::kPending;
  bool immediate = false;       // asked for with publish_post: published as soon as approved
  std::string requested_by;     // key_... or "local"
  Time requested_at;
  std::string decided_by;       // "" while pending
  std::optional<Time> decided_at;
  std::string note;             // the approver's comment, or the rejection's reason
};

// Filter for ListAuditEvents. Newest first.
struct AuditQuery {
  std::string org_id;          // required
  std::optional<Time> from;    // at >= from
  std::optional<Time> to;      // at < to
  std::string subject;         // "" = any
  std::string actor;           // "" = any
  int limit = 100;
  int64_t before_id = 0;       // page cursor: entries with id < before_id (0 = first page)
};

// A subscription of an organization to events, delivered signed to `url`.
struct Webhook {
  std::string id;  // whk_...
  std::string org_id;
  std::string url;
  std::vector<std::string> events;  // event types; empty = every event
  std::string secret_sealed;        // the whsec_ secret, sealed; never clear text
  std::string created_by;
  Time created_at;
};

enum class DeliveryState { kPending, kDelivered, kFailed };
std::string_view DeliveryStateName(DeliveryState s);  // "pending" | "delivered" | "failed"
base::Result<DeliveryState> ParseDeliveryState(std::string_view name);

// One event to deliver to one webhook (the outbox row), written in the transaction of the change.
struct WebhookDelivery {
  std::string id;        // dlv_...
  std::string webhook_id;
  std::string org_id;
  std::string event_id;  // msg_...: the Standard Webhooks webhook-id, the same on every retry
  std::string event_type;
  Json payload = Json::object();  // the body sent: {type, timestamp, data}
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  Time next_attempt_at;
  std::string lease_owner;
  std::optional<Time> lease_until;
  int last_status = 0;           // HTTP status of the last attempt (0 = no answer)
  std::string last_response;     // the start of the last answer's body, or the transport error
  Time created_at;
  Time updated_at;
};

// ---- backup ----

// One table as a backup sees it, read from the database's catalog (never from a list kept by
// hand, so tables added by later migrations are included).
struct BackupTable {
  std::string name;
  std::vector<std::string> columns;      // in the table's column order
  std::vector<std::string> primary_key;  // empty when the table has none
};

// One row of a BackupTable: one cell per column, in BackupTable::columns order (null, integer,
// text or blob, as the database holds them).
using BackupRow = std::vector<sql::Value>;

// ---- web console sessions ----

// A signed-in browser: the console's session cookie stands for the API key it was exchanged
// for. Only the cookie's SHA-256 is stored; the role is re-read from the key on every request.
struct ConsoleSession {
  std::string token_hash;  // SHA-256 hex of the cookie value; the cookie itself is not stored
  std::string org_id;
  std::string key_id;      // the API key signed in with
  Time created_at;
  Time expires_at;
};

// ---- herald's OAuth authorization server (MCP clients) ----

// A client registered dynamically (RFC 7591). Clients identified by a metadata document URL
// are not stored: their document is fetched when they ask.
struct OAuthClient {
  std::string client_id;
  std::string secret_hash;  // SHA-256 hex of the client secret; "" for a public client
  std::string client_name;
  std::vector<std::string> redirect_uris;
  Time created_at;
};

// An authorization code, bound to everything the token request must repeat or prove.
struct OAuthCode {
  std::string code_hash;  // SHA-256 hex of the code; the code itself is not stored
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;  // PKCE S256: base64url(SHA-256(code_verifier))
  std::string resource;        // RFC 8707: the MCP URL the tokens are for
  std::string scope;
  std::string org_id;
  std::string key_id;                     // the API key that consented
  base::Role role = base::Role::kViewer;  // the role consented to (at most the key's)
  std::string family_id;                  // shared by every token descending from this code
  Time created_at;
  Time expires_at;
  std::optional<Time> used_at;  // set by the exchange; a code is used once
};

enum class OAuthTokenKind { kAccess, kRefresh };
std::string_view OAuthTokenKindName(OAuthTokenKind kind);  // "access" | "refresh"
base::Result<OAuthTokenKind> ParseOAuthTokenKind(std::string_view name);

// An access or refresh token herald issued.
struct OAuthToken {
  std::string token_hash;  // SHA-256 hex of the token; the token itself is not stored
  OAuthTokenKind kind = OAuthTokenKind::kAccess;
  std::string family_id;
  std::string client_id;
  std::string org_id;
  std::string key_id;
  base::Role role = base::Role::kViewer;
  std::string resource;
  std::string scope;
  Time created_at;
  Time expires_at;
  std::optional<Time> used_at;  // a refresh token once rotated
  std::optional<Time> revoked_at;
};

// ---- analytics ----

// A post the analytics know of: published by herald (post_id and target_id set) or imported from
// the account's history (both ""). One per (account_id, remote_id).
struct AnalyticsPost {
  std::string org_id;
  std::string account_id;
  std::string remote_id;  // the network's id of the post
  std::string platform;
  std::string post_id;    // "" for a post made outside herald
  std::string target_id;  // ""   "
  std::string url;
  Time published_at;
  std::string text_excerpt;  // the first characters of the text
  // The latest sample {"normalized": {...}, "raw": {...}}; {} before the first measurement.
  Json metrics = Json::object();
  std::optional<Time> collected_at;  // when `metrics` was measured
  // The organization's analytics revision when the row was last written; set by the store (a
  // value given to UpsertAnalyticsPost is ignored).
  int64_t revision = 0;
};

// Which analytics posts to list: published_at in [from, to) of `org_id`, of the accounts named
// (all when empty), oldest first, at most `limit` (0 = no limit).
struct AnalyticsPostQuery {
  std::string org_id;
  Time from;
  Time to;
  std::vector<std::string> account_ids;
  int limit = 0;
};

// Where a listing of changed analytics posts resumes: after every post of `revision` when
// account_id is empty, else after the post (revision, account_id, remote_id) in that order.
struct AnalyticsChangeCursor {
  int64_t revision = -1;
  std::string account_id;
  std::string remote_id;
};

// One entry of the collection plan: a target (target_id set) or an account (target_id "") and
// when it is next due for measuring.
struct CollectionTask {
  std::string org_id;
  std::string account_id;
  std::string target_id;  // "" = the account itself (followers)
  std::string platform;
  Time published_at;  // of the target (the plan counts from it); the connection for accounts
  Time next_at;
  int stage = 0;     // measurements made so far
  int failures = 0;  // failed measurements in a row
  std::string last_error;
  std::string lease_owner;  // "" when not claimed
  std::optional<Time> lease_until;
};

}  // namespace herald::store

#endif  // HERALD_STORE_MODEL_H_
