#include "store/model.h"

#include <array>
#include <utility>

namespace herald::store {
namespace {

template <class E, size_t N>
base::Result<E> ParseName(std::string_view name, const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view what) {
  std::string expected;
  for (const auto& [value, text] : table) {
    if (text == name) return value;
    if (!expected.empty()) expected += ", ";
    expected += text;
  }
  return base::InvalidArgument(std::string(what) + " must be one of " + expected + "; got '" +
                               std::string(name.substr(0, 64)) + "'");
}

template <class E, size_t N>
std::string_view NameOf(E value, const std::array<std::pair<E, std::string_view>, N>& table) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return "unknown";
}

constexpr std::array<std::pair<AccountStatus, std::string_view>, 3> kAccountStatuses{{
    {AccountStatus::kActive, "active"},
    {AccountStatus::kNeedsReauth, "needs_reauth"},
    {AccountStatus::kDisconnected, "disconnected"}}};
constexpr std::array<std::pair<PostStatus, std::string_view>, 8> kPostStatuses{{
    {PostStatus::kDraft, "draft"},
    {PostStatus::kScheduled, "scheduled"},
    {PostStatus::kPublishing, "publishing"},
    {PostStatus::kPublished, "published"},
    {PostStatus::kPartiallyPublished, "partially_published"},
    {PostStatus::kFailed, "failed"},
    {PostStatus::kCancelled, "cancelled"},
    {PostStatus::kPendingApproval, "pending_approval"}}};
constexpr std::array<std::pair<TargetStatus, std::string_view>, 6> kTargetStatuses{{
    {TargetStatus::kQueued, "queued"},
    {TargetStatus::kPublishing, "publishing"},
    {TargetStatus::kPublished, "published"},
    {TargetStatus::kFailed, "failed"},
    {TargetStatus::kCancelled, "cancelled"},
    {TargetStatus::kUnknown, "unknown"}}};
constexpr std::array<std::pair<JobKind, std::string_view>, 4> kJobKinds{{
    {JobKind::kPublish, "publish"},
    {JobKind::kDelete, "delete"},
    {JobKind::kMetrics, "metrics"},
    {JobKind::kRefresh, "refresh"}}};
constexpr std::array<std::pair<JobState, std::string_view>, 5> kJobStates{{
    {JobState::kQueued, "queued"},
    {JobState::kLeased, "leased"},
    {JobState::kDone, "done"},
    {JobState::kFailed, "failed"},
    {JobState::kCancelled, "cancelled"}}};

}  // namespace

std::string_view AccountStatusName(AccountStatus s) { return NameOf(s, kAccountStatuses); }
base::Result<AccountStatus> ParseAccountStatus(std::string_view name) {
  return ParseName(name, kAccountStatuses, "account status");
}

std::string_view PostStatusName(PostStatus s) { return NameOf(s, kPostStatuses); }
base::Result<PostStatus> ParsePostStatus(std::string_view name) {
  return ParseName(name, kPostStatuses, "status");
}

constexpr std::array<std::pair<DeletionStatus, std::string_view>, 4> kDeletionStatuses{{
    {DeletionStatus::kNone, ""},
    {DeletionStatus::kDeleting, "deleting"},
    {DeletionStatus::kDeleted, "deleted"},
    {DeletionStatus::kFailed, "delete_failed"}}};

std::string_view TargetStatusName(TargetStatus s) { return NameOf(s, kTargetStatuses); }
std::string_view DeletionStatusName(DeletionStatus s) { return NameOf(s, kDeletionStatuses); }
base::Result<DeletionStatus> ParseDeletionStatus(std::string_view name) {
  return ParseName(name, kDeletionStatuses, "deletion status");
}
base::Result<TargetStatus> ParseTargetStatus(std::string_view name) {
  return ParseName(name, kTargetStatuses, "target status");
}

std::string_view JobKindName(JobKind k) { return NameOf(k, kJobKinds); }
base::Result<JobKind> ParseJobKind(std::string_view name) {
  return ParseName(name, kJobKinds, "job kind");
}

std::string_view JobStateName(JobState s) { return NameOf(s, kJobStates); }
base::Result<JobState> ParseJobState(std::string_view name) {
  return ParseName(name, kJobStates, "job state");
}

// ---- team ----

namespace {
constexpr std::array<std::pair<ApprovalState, std::string_view>, 3> kApprovalStates{{
    {ApprovalState::kPending, "pending"},
    {ApprovalState::kApproved, "approved"},
    {ApprovalState::kRejected, "rejected"}}};
constexpr std::array<std::pair<DeliveryState, std::string_view>, 3> kDeliveryStates{{
    {DeliveryState::kPending, "pending"},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kFailed, "failed"}}};
}  // namespace

std::string_view ApprovalStateName(ApprovalState s) { return NameOf(s, kApprovalStates); }
base::Result<ApprovalState> ParseApprovalState(std::string_view name) {
  return ParseName(name, kApprovalStates, "approval state");
}
std::string_view DeliveryStateName(DeliveryState s) { return NameOf(s, kDeliveryStates); }
base::Result<DeliveryState> ParseDeliveryState(std::string_view name) {
  return ParseName(name, kDeliveryStates, "delivery state");
}

constexpr std::array<std::pair<OAuthTokenKind, std::string_view>, 2> kOAuthTokenKinds{
    {{OAuthTokenKind::kAccess, "access"}, {OAuthTokenKind::kRefresh, "refresh"}}};
std::string_view OAuthTokenKindName(OAuthTokenKind kind) { return NameOf(kind, kOAuthTokenKinds); }
base::Result<OAuthTokenKind> ParseOAuthTokenKind(std::string_view name) {
  return ParseName(name, kOAuthTokenKinds, "OAuth token kind");
}

}  // namespace herald::store
