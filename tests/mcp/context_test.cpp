// What a running tool call can do through its ToolContext: progress, logging, cancellation,
// server-to-client requests (sampling, elicitation) with capability checks and timeouts, and
// where those messages go.
#include <gtest/gtest.h>

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>

#include "mcp/protocol/jsonrpc.h"
#include "tests/mcp/mcp_test_support.h"

namespace herald::mcp {
namespace {

using testing::Harness;
using testing::RecordingOutbound;
using testing::Spec;
using testing::Structured;
using ToolResult = base::Result<tools::ToolOutput>;
using Release = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

Json Notification(std::string method, Json params) {
  return Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
}

Json CallRequest(Json id, std::string name, Json arguments = Json::object(), Json meta = nullptr) {
  Json params{{"name", name}, {"arguments", arguments}};
  if (!meta.is_null()) params["_meta"] = meta;
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}};
}

std::string Text(const Json& reply) {
  return reply["result"]["content"][0]["text"].get<std::string>();
}

TEST(ProgressTest, SentOnlyWithTokenAndIncreasing) {
  for (std::string version : {"2025-11-25", "2024-11-05"}) {
    Harness h;
    h.AddTool(Spec("work"), [](Json, tools::ToolContext& ctx) {
      ctx.Progress(0, 100);
      ctx.Progress(50, 100);
      ctx.Progress(50, 100);  // not increasing: dropped
      ctx.Progress(40, 100);  // dropped
      ctx.Progress(100, 100, "done");
      return Structured({{"ok", true}});
    });
    h.Initialize(version);
    auto reply = h.Send(CallRequest(7, "work", Json::object(), {{"progressToken", "tok-1"}}));
    ASSERT_TRUE(reply.has_value());
    auto progress = h.outbound()->WithMethod("notifications/progress");
    ASSERT_EQ(progress.size(), 3u) << version;
    EXPECT_EQ(progress[0]["params"],
              Json({{"progressToken", "tok-1"}, {"progress", 0.0}, {"total", 100.0}}));
    EXPECT_EQ(progress[1]["params"]["progress"], 50.0);
    EXPECT_EQ(progress[2]["params"]["progress"], 100.0);
    if (version == "2025-11-25") {
      EXPECT_EQ(progress[2]["params"]["message"], "done");
    } else {
      EXPECT_FALSE(progress[2]["params"].contains("message"));
    }
    h.outbound()->Clear();
    h.Send(CallRequest(8, "work", Json::object(), {{"progressToken", 42}}));
    EXPECT_EQ(h.outbound()->WithMethod("notifications/progress")[0]["params"]["progressToken"], 42);
    h.outbound()->Clear();
    h.Send(CallRequest(9, "work"));
    EXPECT_TRUE(h.outbound()->WithMethod("notifications/progress").empty());
  }
}

TEST(LoggingTest, FilteredBySessionLevel) {
  Harness h;
  h.AddTool(Spec("chatty"), [](Json, tools::ToolContext& ctx) {
    ctx.Log(tools::LogLevel::kDebug, "d");
    ctx.Log(tools::LogLevel::kInfo, Json{{"step", 1}});
    ctx.Log(tools::LogLevel::kError, "e");
    ctx.Log(tools::LogLevel::kEmergency, "x");
    return Structured({});
  });
  h.Initialize();
  h.Send(CallRequest(1, "chatty"));
  auto all = h.outbound()->WithMethod("notifications/message");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0]["params"], Json({{"level", "debug"}, {"logger", "herald"}, {"data", "d"}}));
  EXPECT_EQ(all[1]["params"]["data"], Json({{"step", 1}}));
  h.outbound()->Clear();
  h.Call("logging/setLevel", {{"level", "error"}});
  h.Send(CallRequest(2, "chatty"));
  auto filtered = h.outbound()->WithMethod("notifications/message");
  ASSERT_EQ(filtered.size(), 2u);
  EXPECT_EQ(filtered[0]["params"]["level"], "error");
  EXPECT_EQ(filtered[1]["params"]["level"], "emergency");
}

TEST(OutboundTest, FallsBackToStandingStreamThenDrops) {
  Harness h;
  h.AddTool(Spec("log"), [](Json, tools::ToolContext& ctx) {
    ctx.Log(tools::LogLevel::kInfo, "hello");
    return Structured({});
  });
  h.Initialize();
  auto closed = std::make_shared<RecordingOutbound>();
  closed->Close();
  auto standing = std::make_shared<RecordingOutbound>();
  h.session()->SetStandingOutbound(standing);
  auto fut = h.Start(CallRequest(1, "log"), closed);
  h.RunAll();
  ASSERT_TRUE(fut.get().has_value());
  EXPECT_EQ(standing->WithMethod("notifications/message").size(), 1u);
  standing->Close();
  EXPECT_EQ(h.session()->standing_outbound(), nullptr);
  auto fut2 = h.Start(CallRequest(2, "log"), closed);
  h.RunAll();
  EXPECT_TRUE(fut2.get().has_value());  // nowhere to send the log: dropped, call still answered
}

// A notification sent after the call returned (notifications/elicitation/complete): on the
// session's standing channel while the session lives; nothing for an older revision, a closed
// session or one without a standing channel.
TEST(NotifyLaterTest, ReachesTheSessionAfterTheCallOnlyWhileItLives) {
  for (std::string version : {"2025-11-25", "2025-06-18"}) {
    Harness h;
    tools::ToolContext::LaterNotify later;
    h.AddTool(Spec("start"), [&later](Json, tools::ToolContext& ctx) {
      later = ctx.NotifyLater("2025-11-25");
      return Structured({{"ok", true}});
    });
    h.Initialize(version);
    ASSERT_TRUE(h.Send(CallRequest(1, "start")).has_value());
    if (version != "2025-11-25") {
      EXPECT_FALSE(later) << version;  // the revision has no such notification
      continue;
    }
    ASSERT_TRUE(later);
    // No standing channel yet: not delivered.
    EXPECT_FALSE(later("notifications/elicitation/complete", Json{{"elicitationId", "e-1"}}));
    auto standing = std::make_shared<RecordingOutbound>();
    h.session()->SetStandingOutbound(standing);
    EXPECT_TRUE(later("notifications/elicitation/complete", Json{{"elicitationId", "e-1"}}));
    auto sent = standing->WithMethod("notifications/elicitation/complete");
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], Notification("notifications/elicitation/complete",
                                    Json{{"elicitationId", "e-1"}}));
    // The session ended: nothing more, and the function does not keep it alive.
    h.session()->Close();
    EXPECT_FALSE(later("notifications/elicitation/complete", Json{{"elicitationId", "e-2"}}));
    std::weak_ptr<Session> weak = h.session();
    h.session().reset();
    EXPECT_TRUE(weak.expired());
    EXPECT_FALSE(later("notifications/elicitation/complete", Json{{"elicitationId", "e-3"}}));
    EXPECT_EQ(standing->WithMethod("notifications/elicitation/complete").size(), 1u);
  }
}

class CancellationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.AddTool(Spec("slow"), [this](Json, tools::ToolContext& ctx) -> base::Task<ToolResult> {
      ++started_;
      co_await release_.async_receive(base::kNoThrow);
      saw_cancelled_ = ctx.cancelled();
      if (ctx.cancelled()) co_return base::Cancelled("stopped");
      co_return tools::ToolOutput{Json{{"done", true}}};
    });
    h_.Initialize();
  }

  Harness h_;
  Release release_{h_.io(), 8};
  int started_ = 0;
  bool saw_cancelled_ = false;
};

TEST_F(CancellationTest, CancelledCallSeesItAndGetsNoResponse) {
  auto fut = h_.Start(CallRequest("call-1", "slow"));
  ASSERT_EQ(started_, 1);
  EXPECT_EQ(h_.session()->running_requests(), 1u);
  auto none = h_.Start(
      Notification("notifications/cancelled", {{"requestId", "call-1"}, {"reason", "user"}}));
  release_.try_send(boost::system::error_code{});
  h_.RunAll();
  EXPECT_FALSE(none.get().has_value());
  EXPECT_TRUE(saw_cancelled_);
  EXPECT_FALSE(fut.get().has_value());
  EXPECT_EQ(h_.session()->running_requests(), 0u);
}

TEST_F(CancellationTest, CancelMatchesIdTypeExactly) {
  auto fut = h_.Start(CallRequest(1, "slow"));
  h_.Start(Notification("notifications/cancelled", {{"requestId", "1"}}));  // string != integer
  release_.try_send(boost::system::error_code{});
  h_.RunAll();
  EXPECT_FALSE(saw_cancelled_);
  auto reply = fut.get();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["result"]["structuredContent"]["done"], true);
}

TEST_F(CancellationTest, LateOrUnknownCancelIsHarmless) {
  release_.try_send(boost::system::error_code{});
  auto reply = h_.Send(CallRequest(5, "slow"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(h_.Send(Notification("notifications/cancelled", {{"requestId", 5}})).has_value());
  EXPECT_FALSE(h_.Send(Notification("notifications/cancelled", {{"requestId", 999}})).has_value());
  EXPECT_FALSE(
      h_.Send(Notification("notifications/cancelled", {{"requestId", nullptr}})).has_value());
  EXPECT_FALSE(h_.Send(Notification("notifications/cancelled", Json::object())).has_value());
  // Same id again after completion is fine.
  release_.try_send(boost::system::error_code{});
  EXPECT_TRUE(h_.Send(CallRequest(5, "slow")).has_value());
}

TEST_F(CancellationTest, DuplicateIdWhileRunningIsRejected) {
  auto first = h_.Start(CallRequest(3, "slow"));
  auto second = h_.Start(CallRequest(3, "slow"));
  auto dup = second.get();
  ASSERT_TRUE(dup.has_value());
  EXPECT_EQ((*dup)["error"]["code"], kInvalidRequest);
  release_.try_send(boost::system::error_code{});
  h_.RunAll();
  EXPECT_TRUE(first.get().has_value());
  EXPECT_EQ(started_, 1);
}

TEST_F(CancellationTest, SessionCloseCancelsRunningCalls) {
  auto fut = h_.Start(CallRequest(1, "slow"));
  h_.session()->Close();
  release_.try_send(boost::system::error_code{});
  h_.RunAll();
  EXPECT_TRUE(saw_cancelled_);
  EXPECT_FALSE(fut.get().has_value());
}

class ClientRequestTest : public ::testing::Test {
 protected:
  void AddAsker(std::string method, Json params, std::chrono::milliseconds timeout) {
    h_.AddTool(Spec("ask"), [=, this](Json, tools::ToolContext& ctx) -> base::Task<ToolResult> {
      can_sample_ = ctx.CanSample();
      can_form_ = ctx.CanElicitForm();
      can_url_ = ctx.CanElicitUrl();
      auto answer = co_await ctx.Request(method, params, timeout);
      if (!answer.ok()) co_return answer.error();
      co_return tools::ToolOutput{Json{{"answer", *answer}}};
    });
  }
  // The server-to-client request the tool sent.
  Json SentRequest() {
    for (const auto& m : h_.outbound()->messages()) {
      if (m.contains("id") && m.contains("method")) return m;
    }
    return Json();
  }

  Harness h_;
  bool can_sample_ = false, can_form_ = false, can_url_ = false;
};

TEST_F(ClientRequestTest, SamplingRoundTrip) {
  AddAsker("sampling/createMessage", {{"maxTokens", 100}}, std::chrono::seconds(30));
  h_.Initialize("2025-11-25", {{"sampling", Json::object()}});
  auto fut = h_.Start(CallRequest(1, "ask"));
  Json sent = SentRequest();
  ASSERT_EQ(sent["method"], "sampling/createMessage") << sent.dump();
  EXPECT_EQ(sent["params"]["maxTokens"], 100);
  auto ack = h_.Start(
      Json{{"jsonrpc", "2.0"},
           {"id", sent["id"]},
           {"result", {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "hi"}}}}}});
  h_.RunAll();
  EXPECT_FALSE(ack.get().has_value());
  auto reply = fut.get();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["result"]["structuredContent"]["answer"]["content"]["text"], "hi");
  EXPECT_TRUE(can_sample_);
  EXPECT_FALSE(can_form_);
}

TEST_F(ClientRequestTest, ClientErrorIsReported) {
  AddAsker("sampling/createMessage", Json::object(), std::chrono::seconds(30));
  h_.Initialize("2025-11-25", {{"sampling", Json::object()}});
  auto fut = h_.Start(CallRequest(1, "ask"));
  Json sent = SentRequest();
  h_.Start(Json{{"jsonrpc", "2.0"},
                {"id", sent["id"]},
                {"error", {{"code", -1}, {"message", "user declined"}}}});
  h_.RunAll();
  auto reply = fut.get();
  EXPECT_EQ((*reply)["result"]["isError"], true);
  EXPECT_NE(Text(*reply).find("user declined"), std::string::npos);
}

TEST_F(ClientRequestTest, NotSentWithoutCapability) {
  AddAsker("sampling/createMessage", Json::object(), std::chrono::seconds(30));
  h_.Initialize("2025-11-25", {{"elicitation", Json::object()}});
  auto reply = h_.Send(CallRequest(1, "ask"));
  EXPECT_EQ((*reply)["result"]["isError"], true);
  EXPECT_EQ(Text(*reply), "the client does not support sampling");
  EXPECT_TRUE(SentRequest().is_null());
  EXPECT_TRUE(can_form_);
  EXPECT_FALSE(can_url_);
}

TEST_F(ClientRequestTest, ElicitationModesFollowCapabilities) {
  struct Case {
    Json caps;
    bool form, url;
  };
  std::vector<Case> cases;
  cases.push_back({Json::parse(R"({"elicitation": {}})"), true, false});
  cases.push_back({Json::parse(R"({"elicitation": {"form": {}}})"), true, false});
  cases.push_back({Json::parse(R"({"elicitation": {"url": {}}})"), false, true});
  cases.push_back({Json::parse(R"({"elicitation": {"form": {}, "url": {}}})"), true, true});
  cases.push_back({Json::object(), false, false});
  for (const auto& c : cases) {
    Harness h;
    bool form = false, url = false;
    std::string url_error;
    h.AddTool(Spec("probe"), [&](Json, tools::ToolContext& ctx) -> base::Task<ToolResult> {
      form = ctx.CanElicitForm();
      url = ctx.CanElicitUrl();
      if (!url) {
        Json params = Json::parse(R"({"mode": "url", "url": "https://x"})");
        auto r = co_await ctx.Request("elicitation/create", params, std::chrono::seconds(1));
        url_error = r.ok() ? "" : r.error().message();
      }
      co_return tools::ToolOutput{};
    });
    h.Initialize("2025-11-25", c.caps);
    h.Send(CallRequest(1, "probe"));
    EXPECT_EQ(form, c.form) << c.caps.dump();
    EXPECT_EQ(url, c.url) << c.caps.dump();
    if (!c.url) {
      EXPECT_EQ(url_error, "the client does not support URL-mode elicitation");
    }
  }
}

TEST_F(ClientRequestTest, TimeoutSendsCancelled) {
  AddAsker("elicitation/create", {{"message", "name?"}}, std::chrono::milliseconds(30));
  h_.Initialize("2025-11-25", {{"elicitation", Json::object()}});
  auto fut = h_.Start(CallRequest(1, "ask"));
  Json sent = SentRequest();
  ASSERT_EQ(sent["method"], "elicitation/create");
  h_.RunAll();  // the 30 ms timer fires
  auto reply = fut.get();
  EXPECT_EQ((*reply)["result"]["isError"], true);
  EXPECT_NE(Text(*reply).find("did not answer elicitation/create within 0.03 s"), std::string::npos)
      << Text(*reply);
  auto cancelled = h_.outbound()->WithMethod("notifications/cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0]["params"]["requestId"], sent["id"]);
  // A late answer is ignored.
  EXPECT_FALSE(h_.Send(Json{{"jsonrpc", "2.0"}, {"id", sent["id"]}, {"result", Json::object()}})
                   .has_value());
}

TEST_F(ClientRequestTest, CancellingTheCallStopsTheWait) {
  AddAsker("sampling/createMessage", Json::object(), std::chrono::minutes(5));
  h_.Initialize("2025-11-25", {{"sampling", Json::object()}});
  auto fut = h_.Start(CallRequest("c", "ask"));
  ASSERT_FALSE(SentRequest().is_null());
  h_.Start(Notification("notifications/cancelled", {{"requestId", "c"}}));
  h_.RunAll();  // returns at once: nothing waits for five minutes
  EXPECT_FALSE(fut.get().has_value());
}

TEST_F(ClientRequestTest, NoChannelMeansUnavailable) {
  AddAsker("sampling/createMessage", Json::object(), std::chrono::minutes(5));
  h_.Initialize("2025-11-25", {{"sampling", Json::object()}});
  h_.outbound()->Close();
  auto reply = h_.Send(CallRequest(1, "ask"));
  EXPECT_NE(Text(*reply).find("no open channel"), std::string::npos);
}

TEST(ConcurrencyTest, ManyCallsOnSeveralThreads) {
  Harness h;
  std::atomic<int> calls{0};
  h.AddTool(
      Spec("count"),
      [&](Json args, tools::ToolContext& ctx) {
        ++calls;
        ctx.Log(tools::LogLevel::kInfo, "x");
        return Structured({{"n", args.value("n", 0)}});
      },
      Json{{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}});
  h.Initialize();
  boost::asio::thread_pool pool(4);
  std::vector<std::future<std::optional<Json>>> futures;
  for (int i = 0; i < 200; ++i) {
    futures.push_back(boost::asio::co_spawn(
        pool, h.dispatcher().Handle(h.session(), CallRequest(i, "count", {{"n", i}}), h.outbound()),
        boost::asio::use_future));
  }
  for (int i = 0; i < 200; ++i) {
    auto reply = futures[i].get();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ((*reply)["id"], i);
    EXPECT_EQ((*reply)["result"]["structuredContent"]["n"], i);
  }
  pool.join();
  EXPECT_EQ(calls.load(), 200);
  EXPECT_EQ(h.outbound()->WithMethod("notifications/message").size(), 200u);
  EXPECT_EQ(h.session()->running_requests(), 0u);
}

}  // namespace
}  // namespace herald::mcp
