// SlackEmulator: the parts of the Slack Web API herald uses, on loopback.
//
// Web API methods at /api/<method> (GET or POST; parameters from the query string,
// application/x-www-form-urlencoded, or — for chat.postMessage, chat.delete,
// files.completeUploadExternal and files.delete — application/json). Authentication by
// `Authorization: Bearer <token>` (or a `token` parameter). Logical errors are HTTP 200
// {"ok":false,"error":"..."}, as Slack does: not_authed, invalid_auth, token_revoked,
// token_expired, missing_scope (+needed/provided), channel_not_found, not_in_channel,
// is_archived, no_text, invalid_metadata_format, message_not_found, cant_delete_message,
// thread_not_found, file_not_found, file_deleted, invalid_arguments. Rate limits are HTTP 429
// with Retry-After and {"ok":false,"error":"ratelimited"}: per method per token (config
// "method_rate_limit" per minute, 100) and chat.postMessage per channel
// ("channel_post_limit" per minute, 60).
//
//   auth.test, conversations.info (include_num_members), conversations.list (cursor paging)
//   chat.postMessage  text (truncated beyond 40,000 characters, with a warning), thread_ts,
//                     mrkdwn, metadata {event_type, event_payload} (object or JSON string); the
//                     bot must be a channel member (or hold chat:write.public for a public one)
//   chat.delete       own messages only
//   conversations.history / conversations.replies   newest-first channel history (thread
//                     replies excluded) / a thread oldest-first; `metadata` only with
//                     include_all_metadata=true; oldest/latest/inclusive/limit/cursor
//   files.getUploadURLExternal -> {upload_url (this server's /upload/v1/<ticket>), file_id};
//   POST <upload_url> raw bytes or multipart -> 200 "OK - <bytes>";
//   files.completeUploadExternal files [{id,title}], channel_id|channels, initial_comment,
//                     thread_ts -> {ok, files:[...]} with EMPTY shares (Slack shares
//                     asynchronously; the message ts is not returned). Without a channel the
//                     file stays private.
//   files.info        the file; its `shares` appear only after config "share_delay_polls"
//                     (0) further files.info calls. A file whose upload was never completed
//                     answers file_not_found (emulator's choice; Slack's exact answer is
//                     unconfirmed).
//   files.delete, reactions.get (reactions from the ledger metrics: {"reactions": {"tada":2}}
//                     or {"likes": N} -> +1 N)
// There is no client dedupe key: every chat.postMessage creates a message.
//
// Seeded: workspace T0123ABCD45 "Acme Corp" (https://acme-corp.slack.com/); bot user
// U0777HERALD / bot B0888HERALD with token kSeedToken and every scope herald needs; channels
// C0456NEWS01 #announcements (bot member, 212 members), C0456RAND02 #random (bot not a member),
// G0456PRIV03 private #secret-plans (bot not a member), C0456ARCH04 #old-news (archived).
// Ledger: one post per message (id = ts), account = channel, text as Slack stores it (escaped),
// reply_to = thread_ts, idempotency_key = metadata.event_payload.idempotency_key,
// media = shared files, extra {channel, ts, kind: "message"|"file_share", metadata, mrkdwn}.
// Control: POST /__emulator/tokens {"name"?, "scopes"?: [...], "token"?} -> {"token",
// "user_id", "bot_id"}; POST /__emulator/slack/channels {"id", "name"?, "is_private"?,
// "is_archived"?, "num_members"?, "member"?: bool (the seeded bot)} creates or updates a channel.
#ifndef HERALD_TESTS_EMULATORS_SLACK_SLACK_EMULATOR_H_
#define HERALD_TESTS_EMULATORS_SLACK_SLACK_EMULATOR_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/emulators/common/emulator_registry.h"
#include "tests/emulators/common/network_emulator.h"
#include "tests/emulators/common/token_registry.h"

namespace herald::emulators {

class SlackEmulator final : public NetworkEmulator {
 public:
  static constexpr const char* kSeedToken = "xoxb-1111111111-2222222222-EmulatorSeedToken";
  static constexpr const char* kTeamId = "T0123ABCD45";
  static constexpr const char* kBotUserId = "U0777HERALD";
  static constexpr const char* kBotId = "B0888HERALD";
  static constexpr const char* kChannelId = "C0456NEWS01";
  static constexpr const char* kRandomId = "C0456RAND02";
  static constexpr const char* kPrivateId = "G0456PRIV03";
  static constexpr const char* kArchivedId = "C0456ARCH04";

  explicit SlackEmulator(EmulatorContext& ctx);

  std::string_view Name() const override { return "slack"; }
  void AddRoutes(ApiRoutes& routes) override;
  http::Response RateLimited(const http::Request& request,
                             std::chrono::seconds retry_after) override;
  http::Response ServerError(const http::Request& request, int status) override;
  http::Response ExpireToken(const http::Request& request) override;
  base::Result<Json> CreateToken(const Json& args) override;
  base::Result<void> RevokeToken(std::string_view token) override;
  base::Result<void> ExpireTokens(std::string_view token) override;
  base::Result<Json> Control(std::string_view action, const Json& body) override;
  Json Info() const override;
  void Reset() override;
  Json DefaultConfig() const override;

 private:
  struct Bot {
    std::string user_id;
    std::string bot_id;
    std::string name;
    std::set<std::string> scopes;
  };
  struct Channel {
    std::string id;
    std::string name;
    bool is_private = false;
    bool is_archived = false;
    int64_t num_members = 0;
    std::set<std::string> members;  // user ids
  };
  struct Message {
    std::string ts;
    std::string channel;
    std::string user;
    std::string bot_id;
    std::string text;
    std::string thread_ts;  // "" for a top-level message
    Json metadata;          // null when none
    std::vector<std::string> files;
    bool deleted = false;
  };
  struct Share {
    std::string channel;
    std::string ts;
    std::string thread_ts;
  };
  struct File {
    std::string id;
    std::string name;
    std::string title;
    std::string alt;
    std::string owner;  // user id
    int64_t declared_length = 0;
    int64_t size = 0;
    std::string mime;
    std::string sha256;
    base::Time created{};
    bool uploaded = false;
    bool completed = false;
    bool deleted = false;
    int info_polls = 0;  // files.info calls since completion
    std::vector<Share> shares;
  };
  // One call's parameters.
  struct Call {
    std::map<std::string, Json> params;
    std::string Str(const std::string& name) const;
    bool Bool(const std::string& name) const;
    std::optional<int64_t> Int(const std::string& name) const;
  };

  http::Response HandleApi(const http::Request& req);
  http::Response HandleUpload(const http::Request& req);
  http::Response Dispatch(const std::string& method, const Bot& bot, const Call& call,
                          const http::Request& req);

  http::Response AuthTest(const Bot& bot);
  http::Response ConversationsInfo(const Bot& bot, const Call& call);
  http::Response ConversationsList(const Bot& bot, const Call& call);
  http::Response ConversationsHistory(const Bot& bot, const Call& call);
  http::Response ConversationsReplies(const Bot& bot, const Call& call);
  http::Response PostMessage(const Bot& bot, const Call& call);
  http::Response DeleteMessage(const Bot& bot, const Call& call);
  http::Response GetUploadUrl(const Bot& bot, const Call& call, const http::Request& req);
  http::Response CompleteUpload(const Bot& bot, const Call& call);
  http::Response FileInfo(const Bot& bot, const Call& call);
  http::Response FileDelete(const Bot& bot, const Call& call);
  http::Response ReactionsGet(const Bot& bot, const Call& call);

  // The channel the bot may write to, or the error answer. REQUIRES: mu_ held.
  std::optional<http::Response> WritableLocked(const Bot& bot, const std::string& channel_id,
                                               Channel** out);
  // HTTP 429 when `key` has used `limit` requests this minute.
  std::optional<http::Response> Throttle(const std::string& key, int64_t limit);
  std::string NextTsLocked();
  Json ChannelJson(const Channel& c, const Bot& bot, bool with_members) const;
  Json MessageJson(const Message& m, bool with_metadata) const;
  Json FileJson(const File& f, bool with_shares) const;
  std::string Permalink(const std::string& channel, const std::string& ts) const;

  EmulatorContext& ctx_;
  TokenRegistry tokens_;
  mutable std::mutex mu_;
  std::map<std::string, Bot> bots_;  // by user id
  std::map<std::string, Channel> channels_;
  std::map<std::string, Message> messages_;  // by ts (unique across channels here)
  std::map<std::string, File> files_;
  std::map<std::string, std::string> tickets_;  // upload ticket -> file id
  int64_t last_ts_micros_ = 0;
  int64_t next_file_ = 1;
  int64_t next_bot_ = 1;
};

void RegisterSlackEmulator(EmulatorRegistry& registry);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_SLACK_SLACK_EMULATOR_H_
