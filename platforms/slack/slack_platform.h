// SlackPlatform: posts to one Slack channel as a bot user, through the Web API
// (https://slack.com/api/<method>, `Authorization: Bearer xoxb-...`).
//
// Connect takes {bot_token, channel}: auth.test (workspace, bot user) and conversations.info
// (the channel exists, is not archived, the bot is a member; a #name is resolved with
// conversations.list). Publish posts text with chat.postMessage and images with the upload flow
// files.getUploadURLExternal -> POST bytes to upload_url -> files.completeUploadExternal
// (channel_id, initial_comment, thread_ts). Thread parts reply with thread_ts = the first part's
// ts. completeUploadExternal does not return the message ts (files are shared asynchronously), so
// the adapter polls files.info for the share's ts (Options::share_poll_delays).
//
// Idempotency: IdempotencyKind::kReconcile. chat.postMessage has no dedupe key, but every text
// part carries message metadata {event_type "herald_post", event_payload {idempotency_key,
// part}}; conversations.history (first part) and conversations.replies (replies), read with
// include_all_metadata, show whether it exists. File parts cannot carry metadata: their file ids
// are saved (remote_state.pending) before completeUploadExternal, and files.info shows whether
// those files were shared. Before sending a part that an earlier attempt may have sent
// (remote_state.pending names it), Publish looks it up the same way, so a retry never posts twice.
//
// remote_state: {"channel": "C..", "parts": [{"ts": "...", "files": ["F.."]?}, ...],
//                "pending": {"part": i, "at": unix seconds, "files": [...]?, "stage":
//                            "uploaded"|"completed"}?}
//
// Limits of the lookup (documented in the report): the history scan reads at most
// Options::max_history_pages pages after `pending.at` - 10 min (or the newest pages when no
// attempt time is known) and answers kUnknown when that does not reach far enough; files shared
// less than Options::settle_window ago may not be listed yet, so the answer is then kUnavailable
// (try later) rather than "not posted".
//
// Holds no per-account state; thread-safe. `http` and `clock` must outlive the platform.
#ifndef HERALD_PLATFORMS_SLACK_SLACK_PLATFORM_H_
#define HERALD_PLATFORMS_SLACK_SLACK_PLATFORM_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "platforms/http_client.h"
#include "platforms/platform.h"
#include "platforms/slack/slack_wire.h"

namespace herald::platforms::slack {

class SlackPlatform final : public Platform {
 public:
  struct Options {
    std::string base_url = std::string(kDefaultBaseUrl);  // e.g. https://slack.com/api
    std::chrono::milliseconds timeout{30'000};
    std::chrono::milliseconds upload_timeout{120'000};
    // Waits between files.info polls for the ts of a file share (first poll is immediate).
    std::vector<std::chrono::milliseconds> share_poll_delays{
        std::chrono::milliseconds(250), std::chrono::milliseconds(500),
        std::chrono::milliseconds(1000), std::chrono::milliseconds(2000),
        std::chrono::milliseconds(4000)};
    // How long after completeUploadExternal a missing share may still appear.
    std::chrono::seconds settle_window{60};
    int history_page_size = 200;
    int max_history_pages = 5;
  };

  SlackPlatform(HttpClient* http, const base::Clock* clock, Options options);

  const PlatformInfo& Info() const override;
  ValidationReport Validate(const Content& content) const override;

  // args {"bot_token", "channel"}. external_id = "<team_id>/<channel_id>", handle = "#name",
  // settings {channel_id, channel_name, is_private, team_id, team, team_url, bot_id,
  // bot_user_id}, credentials {bot_token}. Errors: kInvalidArgument, kUnauthenticated
  // (invalid_auth, token_revoked, ...), kNotFound (no such channel), kFailedPrecondition (bot
  // not in the channel, channel archived), kPermissionDenied (missing scope), kUnavailable.
  Task<Result<ConnectedAccount>> Connect(Json args) override;

  Task<Result<PublishReceipt>> Publish(PublishRequest request) override;

  // Ok(receipt) when every part exists (recorded or found by marker / file share); Ok(nullopt)
  // when the first missing part certainly was not posted (parts found before it are saved
  // through save_remote_state, so Publish resumes after them); kUnknown / kUnavailable when it
  // cannot be told now.
  Task<Result<std::optional<PublishReceipt>>> Find(PublishRequest request) override;

  // chat.delete for every part (last first) and files.delete for their files; "not found"
  // counts as deleted.
  Task<Result<void>> Delete(AccountContext account, PublishReceipt receipt) override;

  // {"likes": reactions on the first message, "reactions": {name: count}, "replies": thread
  // replies not posted by herald}: reactions.get + conversations.replies.
  Task<Result<Json>> FetchPostMetrics(AccountContext account, PublishReceipt receipt) override;

  // {"followers": the channel's member count} from conversations.info.
  Task<Result<Json>> FetchAccountMetrics(AccountContext account) override;

 private:
  // What every call for one account needs.
  struct Ctx {
    std::string token;
    std::string channel;
    std::string channel_label;  // "#general"
    std::string bot_id;
    std::string bot_user_id;
    std::string team_url;
  };
  using Fields = std::vector<std::pair<std::string, std::string>>;

  static Result<Ctx> CtxOf(const AccountContext& account);
  Task<Result<Json>> CallForm(Ctx ctx, std::string method, Fields fields, CallKind kind);
  Task<Result<Json>> CallJson(Ctx ctx, std::string method, Json body, CallKind kind);
  Task<Result<Json>> Exchange(Ctx ctx, HttpRequest request, CallKind kind);

  // The ts of herald's text part `part` (by metadata marker) in the channel (part 0) or in the
  // thread of `parent_ts`; scanning from `oldest` (unix seconds) when known.
  Task<Result<std::optional<std::string>>> FindMarker(Ctx ctx, std::string key, size_t part,
                                                      std::optional<std::string> parent_ts,
                                                      std::optional<int64_t> oldest);
  // The ts of the message sharing `file_id` (files.info), nullopt when not (yet) shared.
  // kNotFound when Slack does not know the file.
  Task<Result<std::optional<std::string>>> ShareTsOf(Ctx ctx, std::string file_id,
                                                     std::optional<std::string> parent_ts);
  // Polls ShareTsOf per Options::share_poll_delays.
  Task<Result<std::optional<std::string>>> PollShareTs(Ctx ctx, std::string file_id,
                                                       std::optional<std::string> parent_ts);
  // Whether part `part`, which an earlier attempt may have sent (`pending` describes it),
  // exists: Ok(part state {ts, files?}), Ok(nullopt) = certainly not, or an error when it
  // cannot be told now.
  Task<Result<std::optional<Json>>> LookupPart(Ctx ctx, std::string key, size_t part,
                                               std::optional<std::string> parent_ts, Json pending);
  // Uploads the media of a part and returns {file_id, title} pairs (nothing visible yet).
  Task<Result<Fields>> UploadFiles(Ctx ctx, std::vector<MediaItem> media);

  int64_t NowSeconds() const;

  HttpClient* http_;
  const base::Clock* clock_;
  Options options_;
};

// The platform as production uses it: base URL from `base_urls["slack"]` when set (tests,
// emulators), else the default. `http` must outlive it.
std::unique_ptr<Platform> MakeSlackPlatform(HttpClient* http, const base::Clock* clock,
                                            const BaseUrlOverrides& base_urls);

}  // namespace herald::platforms::slack

#endif  // HERALD_PLATFORMS_SLACK_SLACK_PLATFORM_H_
