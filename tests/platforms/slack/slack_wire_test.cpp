#include "platforms/slack/slack_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "platforms/http/form_urlencoded.h"
#include "tests/platforms/support/bot_fixtures.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::slack {
namespace {

using matchers::IsOk;
using ::testing::Not;
using base::ErrorCode;
using fixtures::FixtureJson;
using fixtures::ReadFixture;
using ::testing::HasSubstr;

constexpr char kKey[] = "tgt_01JD3Q8Z6XK5M2N4P6R8T0V2W4";

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(SlackWireTest, InfoDeclaresReconcile) {
  const PlatformInfo& info = Info();
  EXPECT_EQ(info.id, "slack");
  EXPECT_EQ(info.text.max_length, 40000);
  EXPECT_TRUE(info.features.threads);
  EXPECT_TRUE(info.features.post_metrics);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kReconcile);
  EXPECT_EQ(info.connect_fields, (std::vector<std::string>{"bot_token", "channel"}));
}

TEST(SlackWireTest, EscapesControlCharactersAndCountsTheEscapes) {
  EXPECT_EQ(EscapeText("a < b && c > d <!channel>"),
            "a &lt; b &amp;&amp; c &gt; d &lt;!channel&gt;");
  Content fits{{PostPart{Repeat("a", 40000), {}}}};
  EXPECT_TRUE(Validate(fits).ok());
  // 39,997 + "<" (escaped to 4 characters) = 40,001.
  Content over{{PostPart{Repeat("a", 39997) + "<", {}}}};
  ValidationReport r = Validate(over);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.length, 40001);
  EXPECT_THAT(r.violations[0].message,
              HasSubstr("text is 40001 characters, 1 over Slack's limit of 40000"));
  Content empty{{PostPart{" ", {}}}};
  EXPECT_FALSE(Validate(empty).ok());
}

TEST(SlackWireTest, ParsesChannelArguments) {
  auto id = ParseChannelArg(base::Json("C0456NEWS01"));
  ASSERT_THAT(id, IsOk());
  EXPECT_TRUE(id->first);
  auto name = ParseChannelArg(base::Json("#announcements"));
  ASSERT_THAT(name, IsOk());
  EXPECT_FALSE(name->first);
  EXPECT_EQ(name->second, "announcements");
  EXPECT_EQ(ParseChannelArg(base::Json("dev-ops_2"))->second, "dev-ops_2");
  auto bad = ParseChannelArg(base::Json("Has Spaces"));
  ASSERT_THAT(bad, Not(IsOk()));
  EXPECT_THAT(bad.error().message(), HasSubstr("channel"));
  EXPECT_THAT(ParseChannelArg(base::Json(5)), Not(IsOk()));
}

TEST(SlackWireTest, LogicalErrorsArriveWithHttp200) {
  auto revoked =
      ParseResponse(200, {}, ReadFixture("slack/error_token_revoked.json"), CallKind::kWrite);
  ASSERT_THAT(revoked, Not(IsOk()));
  EXPECT_EQ(revoked.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(revoked.error().message(), HasSubstr("token_revoked"));
  EXPECT_EQ(ParseResponse(200, {}, ReadFixture("slack/error_invalid_auth.json"), CallKind::kRead)
                .error()
                .code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(MapError("account_inactive", {}, CallKind::kRead).code(), ErrorCode::kUnauthenticated);

  auto scope =
      ParseResponse(200, {}, ReadFixture("slack/error_missing_scope.json"), CallKind::kWrite);
  EXPECT_EQ(scope.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(scope.error().message(), HasSubstr("chat:write"));

  base::Error not_in = MapError("not_in_channel", FixtureJson("slack/error_not_in_channel.json"),
                                CallKind::kWrite, "", "#announcements");
  EXPECT_EQ(not_in.code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(not_in.message(), HasSubstr("invite the bot to #announcements"));
  EXPECT_EQ(MapError("channel_not_found", {}, CallKind::kWrite).code(), ErrorCode::kNotFound);
  EXPECT_EQ(MapError("msg_too_long", {}, CallKind::kWrite).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(MapError("internal_error", {}, CallKind::kWrite).code(), ErrorCode::kUnknown);
  EXPECT_EQ(MapError("internal_error", {}, CallKind::kRead).code(), ErrorCode::kUnavailable);
  base::Error posted_too_much = MapError("rate_limited", {}, CallKind::kWrite);
  EXPECT_EQ(posted_too_much.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*posted_too_much.retry_after(), std::chrono::seconds(60));
}

TEST(SlackWireTest, RateLimitIsHttp429WithRetryAfter) {
  auto limited = ParseResponse(429, {{"retry-after", "30"}},
                               ReadFixture("slack/error_ratelimited.json"), CallKind::kWrite);
  ASSERT_THAT(limited, Not(IsOk()));
  EXPECT_EQ(limited.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*limited.error().retry_after(), std::chrono::seconds(30));
  EXPECT_EQ(ParseResponse(503, {}, "upstream", CallKind::kWrite).error().code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(ParseResponse(200, {}, "not json", CallKind::kWrite).error().code(),
            ErrorCode::kUnknown);
}

TEST(SlackWireTest, ParsesAuthChannelAndPostAnswers) {
  auto auth = ParseAuthTest(FixtureJson("slack/auth_test.json"));
  ASSERT_THAT(auth, IsOk());
  EXPECT_EQ(auth->team_id, "T0123ABCD45");
  EXPECT_EQ(auth->bot_id, "B0888HERALD");
  EXPECT_EQ(auth->url, "https://acme-corp.slack.com/");
  auto channel = ParseChannel(FixtureJson("slack/conversations_info.json")["channel"]);
  ASSERT_THAT(channel, IsOk());
  EXPECT_TRUE(channel->is_member);
  EXPECT_EQ(channel->num_members, 212);
  EXPECT_FALSE(
      ParseChannel(FixtureJson("slack/conversations_info_not_member.json")["channel"])->is_member);
  auto posted = ParseResponse(200, {}, ReadFixture("slack/post_message_ok.json"), CallKind::kWrite);
  ASSERT_THAT(posted, IsOk());
  EXPECT_EQ((*posted)["ts"], "1767225600.000200");
  EXPECT_EQ(Permalink(auth->url, "C0456NEWS01", "1767225600.000200"),
            "https://acme-corp.slack.com/archives/C0456NEWS01/p1767225600000200");
  EXPECT_EQ(
      Permalink(auth->url, "C0456NEWS01", "1767225720.000500", std::string("1767225600.000200")),
      "https://acme-corp.slack.com/archives/C0456NEWS01/p1767225720000500"
      "?thread_ts=1767225600.000200&cid=C0456NEWS01");
}

TEST(SlackWireTest, MarkerIsFoundOnlyOnOwnMessages) {
  base::Json history = FixtureJson("slack/history_with_marker.json");
  const auto& messages = history["messages"];
  EXPECT_FALSE(HasMarker(messages[0], kKey, 0, "B0888HERALD", "U0777HERALD"));  // no metadata
  EXPECT_TRUE(HasMarker(messages[1], kKey, 0, "B0888HERALD", "U0777HERALD"));
  EXPECT_FALSE(HasMarker(messages[1], kKey, 1, "B0888HERALD", "U0777HERALD"));  // other part
  EXPECT_FALSE(HasMarker(messages[1], "tgt_other", 0, "B0888HERALD", "U0777HERALD"));
  EXPECT_FALSE(HasMarker(messages[2], kKey, 0, "B0888HERALD", "U0777HERALD"));  // other bot
  EXPECT_TRUE(HasMarker(messages[2], kKey, 0, "", ""));  // ids unknown: metadata decides
}

TEST(SlackWireTest, BuildsPlainTextPostsWithTheMarker) {
  base::Json body = PostMessageBody("C1", "*hi* <@U1>", std::string("1.2"), kKey, 3);
  EXPECT_EQ(body["text"], "*hi* &lt;@U1&gt;");
  EXPECT_EQ(body["mrkdwn"], false);
  EXPECT_EQ(body["thread_ts"], "1.2");
  EXPECT_EQ(body["metadata"]["event_type"], "herald_post");
  EXPECT_EQ(body["metadata"]["event_payload"]["idempotency_key"], kKey);
  EXPECT_EQ(body["metadata"]["event_payload"]["part"], 3);
  EXPECT_FALSE(PostMessageBody("C1", "x", std::nullopt, kKey, 0).contains("thread_ts"));
}

TEST(SlackWireTest, UploadFlowPieces) {
  MediaItem m;
  m.mime_type = "image/png";
  m.file_name = "launch.png";
  m.alt_text = "A rocket";
  m.data = std::string(1125, 'x');
  auto params = UploadUrlParams(m, 0);
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"filename", "launch.png"}));
  EXPECT_EQ(params[1], (std::pair<std::string, std::string>{"length", "1125"}));
  EXPECT_EQ(params[2], (std::pair<std::string, std::string>{"alt_txt", "A rocket"}));
  EXPECT_EQ(http::FormUrlEncode({{"alt_txt", "A rocket & more"}, {"n", "é"}}),
            "alt_txt=A%20rocket%20%26%20more&n=%C3%A9");

  auto ticket = ParseUploadTicket(FixtureJson("slack/get_upload_url.json"));
  ASSERT_THAT(ticket, IsOk());
  EXPECT_EQ(ticket->file_id, "F09V4HR5JKX");

  base::Json complete = CompleteUploadBody({{"F09V4HR5JKX", "launch.png"}}, "C0456NEWS01",
                                           "Look <here>", std::nullopt);
  EXPECT_EQ(complete["files"][0]["id"], "F09V4HR5JKX");
  EXPECT_EQ(complete["channel_id"], "C0456NEWS01");
  EXPECT_EQ(complete["initial_comment"], "Look &lt;here&gt;");
  EXPECT_FALSE(complete.contains("thread_ts"));

  // The complete answer has no ts: shares fill in later.
  auto done = FixtureJson("slack/files_complete_ok.json");
  EXPECT_FALSE(ShareTs(done["files"][0], "C0456NEWS01", std::nullopt).has_value());
  EXPECT_EQ(
      ShareTs(FixtureJson("slack/files_info_shared.json")["file"], "C0456NEWS01", std::nullopt),
      "1767225661.000400");
  EXPECT_FALSE(
      ShareTs(FixtureJson("slack/files_info_shared.json")["file"], "C0OTHER0001", std::nullopt)
          .has_value());
  base::Json reply = FixtureJson("slack/files_info_thread_share.json")["file"];
  EXPECT_EQ(ShareTs(reply, "C0456NEWS01", std::string("1767225600.000200")), "1767225720.000500");
  EXPECT_FALSE(ShareTs(reply, "C0456NEWS01", std::nullopt).has_value());
  EXPECT_FALSE(
      ShareTs(FixtureJson("slack/files_info_not_shared.json")["file"], "C0456NEWS01", std::nullopt)
          .has_value());
}

TEST(SlackWireTest, ReactionMetrics) {
  base::Json m = ReactionMetrics(FixtureJson("slack/reactions_get.json")["message"]);
  EXPECT_EQ(m["likes"], 3);
  EXPECT_EQ(m["reactions"]["tada"], 2);
}

TEST(SlackWireTest, TransportErrorsRedactTheToken) {
  const std::string token = "xoxb-1111-2222-abcdefABCDEF";
  base::Error e = Errors().FromTransport(base::Unknown("reset", "Authorization: Bearer " + token),
                                    CallKind::kWrite, token);
  EXPECT_EQ(e.code(), ErrorCode::kUnknown);
  EXPECT_EQ(e.detail().find(token), std::string::npos);
}

// That an unanswered read and an unconnected one read alike is the kit's rule, tested once in
// tests/platforms/kit/transport_errors_test.cpp (UnansweredAndUnconnectedReadsGiveTheSameMessage).

}  // namespace
}  // namespace herald::platforms::slack
