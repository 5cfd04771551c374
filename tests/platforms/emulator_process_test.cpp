// `herald-emulator telegram|discord|slack` as separate processes: each adapter publishes through
// the real HttpsClient, and the control plane (/__emulator/posts, /faults, /<network>/...) sees
// and steers it, as the core's crash tests will use them.
#include "tests/emulators/common/emulator_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "platforms/discord/discord_platform.h"
#include "platforms/http/https_client.h"
#include "platforms/slack/slack_platform.h"
#include "platforms/telegram/telegram_platform.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms {
namespace {

using matchers::IsOk;
using ::testing::Not;
using base::ErrorCode;
using emulators::EmulatorClient;
using emulators::EmulatorProcess;

class EmulatorProcessTest : public ::testing::Test {
 protected:
  EmulatorProcessTest() {
    auto client = http::HttpsClient::Create(http::HttpsClientOptions{});
    EXPECT_THAT(client, IsOk());
    if (client.ok()) http_ = std::move(client).value();
  }
  ~EmulatorProcessTest() override { http_.reset(); }

  std::unique_ptr<EmulatorProcess> StartEmulator(const std::string& network) {
    auto process = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), network);
    EXPECT_THAT(process, IsOk());
    return process.ok() ? std::move(process).value() : nullptr;
  }

  template <class T>
  T Run(base::Task<T> task) {
    return herald::testing::RunTask(io_, std::move(task));
  }

  static AccountContext ToContext(const ConnectedAccount& a) {
    AccountContext ctx;
    ctx.account_id = "acc_p";
    ctx.external_id = a.external_id;
    ctx.settings = a.settings;
    ctx.credentials = a.credentials;
    return ctx;
  }
  static PublishRequest Request(AccountContext account, std::string text) {
    PublishRequest r;
    r.account = std::move(account);
    r.content.parts.push_back(PostPart{std::move(text), {}});
    r.idempotency_key = "tgt_process";
    return r;
  }

  boost::asio::io_context io_;
  std::unique_ptr<http::HttpsClient> http_;
};

TEST_F(EmulatorProcessTest, Telegram) {
  auto emu = StartEmulator("telegram");
  ASSERT_NE(emu, nullptr);
  EmulatorClient control(emu->base_url());
  auto info = control.Info();
  ASSERT_THAT(info, IsOk());
  const std::string token = (*info)["bots"][0]["tokens"][0];
  // A new channel through the network control, then connect and post to it.
  ASSERT_TRUE(control
                  .Control("telegram", "chats",
                           Json{{"id", -1005550001},
                                {"type", "channel"},
                                {"title", "Proc"},
                                {"username", "proc_news"},
                                {"bot_status", "administrator"},
                                {"can_post_messages", true}})
                  .ok());
  telegram::TelegramPlatform::Options options;
  options.base_url = emu->base_url();
  telegram::TelegramPlatform platform(http_.get(), options);
  auto account = Run(platform.Connect(Json{{"bot_token", token}, {"chat_id", "@proc_news"}}));
  ASSERT_THAT(account, IsOk());
  ASSERT_THAT(Run(platform.Publish(Request(ToContext(*account), "from a process"))), IsOk());
  auto posts = control.Posts();
  ASSERT_THAT(posts, IsOk());
  ASSERT_EQ(posts->size(), 1u);
  EXPECT_EQ((*posts)[0]["text"], "from a process");
  EXPECT_EQ((*posts)[0]["account"], "-1005550001");
  ASSERT_THAT(
      control.ArmFault(Json{{"kind", "429"}, {"path", "/bot*/sendMessage"}, {"retry_after", 7}}),
      IsOk());
  auto limited = Run(platform.Publish(Request(ToContext(*account), "again")));
  ASSERT_THAT(limited, Not(IsOk()));
  EXPECT_EQ(limited.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*limited.error().retry_after(), std::chrono::seconds(7));
}

TEST_F(EmulatorProcessTest, Discord) {
  auto emu = StartEmulator("discord");
  ASSERT_NE(emu, nullptr);
  EmulatorClient control(emu->base_url());
  auto hook = control.CreateToken(Json{{"name", "Process Hook"}});
  ASSERT_THAT(hook, IsOk());
  discord::DiscordPlatform::Options options;
  options.base_url = emu->base_url() + "/api";
  discord::DiscordPlatform platform(http_.get(), options);
  auto account = Run(platform.Connect(Json{{"webhook_url", (*hook)["webhook_url"]}}));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->handle, "Process Hook");
  ASSERT_THAT(Run(platform.Publish(Request(ToContext(*account), "from a process"))), IsOk());
  auto posts = control.Posts();
  ASSERT_THAT(posts, IsOk());
  ASSERT_EQ(posts->size(), 1u);
  EXPECT_EQ((*posts)[0]["text"], "from a process");
  ASSERT_THAT(control.RevokeToken((*hook)["token"].get<std::string>()), IsOk());
  auto gone = Run(platform.Publish(Request(ToContext(*account), "again")));
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
}

TEST_F(EmulatorProcessTest, Slack) {
  auto emu = StartEmulator("slack");
  ASSERT_NE(emu, nullptr);
  EmulatorClient control(emu->base_url());
  ASSERT_THAT(
      control.Control(
          "slack", "channels",
          Json{{"id", "C0PROCESS01"}, {"name", "process"}, {"member", true}, {"num_members", 3}}),
      IsOk());
  auto info = control.Info();
  ASSERT_THAT(info, IsOk());
  std::string token;
  for (const auto& bot : (*info)["bots"]) {
    if (bot["user_id"] == "U0777HERALD") token = bot["tokens"][0];
  }
  slack::SlackPlatform::Options options;
  options.base_url = emu->base_url() + "/api";
  slack::SlackPlatform platform(http_.get(), nullptr, options);
  auto account = Run(platform.Connect(Json{{"bot_token", token}, {"channel", "#process"}}));
  ASSERT_THAT(account, IsOk());
  ASSERT_THAT(
      control.ArmFault(Json{{"kind", "drop_after_accept"}, {"path", "/api/chat.postMessage"}}),
      IsOk());
  PublishRequest request = Request(ToContext(*account), "from a process");
  auto dropped = Run(platform.Publish(request));
  ASSERT_THAT(dropped, Not(IsOk()));
  EXPECT_EQ(dropped.error().code(), ErrorCode::kUnknown);
  auto found = Run(platform.Find(request));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  auto posts = control.Posts();
  ASSERT_THAT(posts, IsOk());
  ASSERT_EQ(posts->size(), 1u);
  EXPECT_EQ((*posts)[0]["id"], (*found)->external_id);
  EXPECT_EQ((*posts)[0]["idempotency_key"], "tgt_process");
}

}  // namespace
}  // namespace herald::platforms
