// ThreadPublisher (platforms/kit/thread_publisher.h): resume, reply chaining, progress records,
// and the one rule when recording fails.
#include "platforms/kit/thread_publisher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "platforms/kit/helpers.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms {
namespace {

using base::ErrorCode;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;

// A network that records what it was asked to post; part entries are {"id": "m<n>"}.
struct FakeNetwork {
  std::vector<std::string> posted;         // texts, in order
  std::vector<std::string> replied_to;     // the previous part's id ("" for the root)
  std::optional<size_t> fail_at;           // the part that fails
  PostPartFn Fn() {
    return [this](const PostPart& part, PartContext& ctx) -> Task<Result<Json>> {
      if (fail_at == ctx.index) co_return base::Unavailable("the network is down");
      posted.push_back(part.text);
      replied_to.push_back(ctx.done->empty() ? "" : base::GetString(ctx.done->back(), "id"));
      co_return Json{{"id", "m" + std::to_string(posted.size())}};
    };
  }
};

PublishRequest Request(std::vector<std::string> texts, std::vector<Json>* saved) {
  PublishRequest r;
  for (auto& t : texts) r.content.parts.push_back(PostPart{t, {}});
  r.idempotency_key = "k";
  r.save_remote_state = [saved](const Json& state) -> Result<void> {
    saved->push_back(state);
    return base::Ok();
  };
  return r;
}

class ThreadPublisherTest : public ::testing::Test {
 protected:
  Result<Json> Publish(const PublishRequest& request, FakeNetwork& network,
                       Json initial = Json::object()) {
    return testing::RunTask(io_, publisher_.Publish(request, std::move(initial), network.Fn()));
  }
  boost::asio::io_context io_;
  ThreadPublisher publisher_{"Example"};
};

TEST_F(ThreadPublisherTest, PostsInOrderChainingRepliesAndSavesAllButTheLast) {
  std::vector<Json> saved;
  FakeNetwork net;
  auto state = Publish(Request({"one", "two", "three"}, &saved), net, Json{{"chat", "c"}});
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(net.posted, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(net.replied_to, (std::vector<std::string>{"", "m1", "m2"}));
  ASSERT_EQ(saved.size(), 2u);
  EXPECT_EQ(saved[0]["parts"].size(), 1u);
  EXPECT_EQ(saved[1]["parts"].size(), 2u);
  EXPECT_EQ((*state)["parts"].size(), 3u);
  EXPECT_EQ((*state)["chat"], "c");
}

TEST_F(ThreadPublisherTest, ResumesAfterThePartsAlreadyRecorded) {
  std::vector<Json> saved;
  FakeNetwork net;
  PublishRequest r = Request({"one", "two", "three"}, &saved);
  // An unusable (null) entry ends what counts as done.
  r.remote_state = Json{{"parts", Json::array({Json{{"id", "old1"}}, nullptr, Json{{"id", "x"}}})}};
  auto state = Publish(r, net);
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(net.posted, (std::vector<std::string>{"two", "three"}));
  EXPECT_EQ(net.replied_to.front(), "old1");  // the recorded part's reference is reused
  EXPECT_EQ((*state)["parts"][0]["id"], "old1");
  // Everything recorded: nothing is posted again.
  FakeNetwork again;
  r.remote_state = *state;
  ASSERT_THAT(Publish(r, again), IsOk());
  EXPECT_TRUE(again.posted.empty());
}

TEST_F(ThreadPublisherTest, AFailingPartEndsTheAttemptNamingThePart) {
  std::vector<Json> saved;
  FakeNetwork net;
  net.fail_at = 1;
  auto state = Publish(Request({"one", "two"}, &saved), net);
  EXPECT_THAT(state, StatusIs(ErrorCode::kUnavailable, HasSubstr("thread part 2 of 2")));
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0]["parts"].size(), 1u);
}

// The one rule: the part is on the network, herald could not record it: kUnknown, so the core
// reconciles before sending again.
TEST_F(ThreadPublisherTest, FailingToRecordProgressIsUnknown) {
  FakeNetwork net;
  PublishRequest r = Request({"one", "two", "three"}, nullptr);
  r.save_remote_state = [](const Json&) -> Result<void> {
    return base::Unavailable("database is busy", "SQLITE_BUSY");
  };
  auto state = Publish(r, net);
  EXPECT_THAT(state, StatusIs(ErrorCode::kUnknown,
                              HasSubstr("thread part 1 of 3 was published on Example, but "
                                        "herald could not record it")));
  EXPECT_THAT(state.error().detail(), HasSubstr("database is busy"));
  EXPECT_EQ(net.posted.size(), 1u);  // nothing more is sent
}

TEST_F(ThreadPublisherTest, ASinglePostIsNeverRecordedBeforeTheReceipt) {
  FakeNetwork net;
  PublishRequest r = Request({"only"}, nullptr);
  r.save_remote_state = [](const Json&) -> Result<void> { return base::Unavailable("down"); };
  EXPECT_THAT(Publish(r, net), IsOk());
}

TEST_F(ThreadPublisherTest, LayoutAndMidPartSaves) {
  ThreadPublisher flat("Example", {.key = "message_ids",
                                   .usable = [](const Json& e) { return e.is_string(); }});
  std::vector<Json> saved;
  PublishRequest r = Request({"one", "two"}, &saved);
  r.remote_state = Json{{"message_ids", Json::array({"a"})}};
  PostPartFn post = [](const PostPart&, PartContext& ctx) -> Task<Result<Json>> {
    (*ctx.state)["pending"] = ctx.index;
    auto s = ctx.Save();
    if (!s.ok()) co_return s.error();
    ctx.state->erase("pending");
    co_return Json("b");
  };
  auto state = testing::RunTask(io_, flat.Publish(r, Json::object(), post));
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ((*state)["message_ids"], Json::array({"a", "b"}));
  EXPECT_FALSE(state->contains("pending"));
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0]["pending"], 1);
  EXPECT_THAT(testing::RunTask(io_, flat.Publish(PublishRequest{}, Json::object(), post)),
              StatusIs(ErrorCode::kInvalidArgument));
}

TEST(ThreadPublisherIdUrl, ReceiptAndPartIds) {
  ThreadPublisher parts("Threads", ThreadPublisher::IdUrlLayout());
  Json state{{"parts", Json::array({Json{{"id", "1"}, {"url", "https://t/1"}},
                                    Json{{"id", "2"}, {"url", "https://t/2"}},
                                    Json{{"url", "no id yet"}}})}};
  PublishReceipt receipt = parts.IdUrlReceipt(state);
  EXPECT_EQ(receipt.external_id, "1");
  EXPECT_EQ(receipt.url, "https://t/1");
  EXPECT_THAT(parts.PartIds(receipt), ::testing::ElementsAre("1", "2"));
  PublishReceipt bare;
  bare.external_id = "9";
  EXPECT_THAT(parts.PartIds(bare), ::testing::ElementsAre("9"));
  AccountContext account;
  account.handle = "@alice";
  EXPECT_EQ(AccountUsername(account), "alice");
  account.settings = Json{{"username", "bob"}};
  EXPECT_EQ(AccountUsername(account), "bob");
}

}  // namespace
}  // namespace herald::platforms
